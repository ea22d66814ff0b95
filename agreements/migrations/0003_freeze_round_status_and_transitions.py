"""PostgreSQL only: the freeze of an adopted round, in the database itself (issue 12).

- ``allocation_round``: an agreed round keeps its status and its agreed run, except that it
  may become superseded once a correction (``allocation_roundcorrection``) names it; a
  superseded round never changes status again; neither can be deleted.
- ``allocation_roundtransition``: the status history is append-only. Rows are never updated;
  a row of an agreed or superseded round is never deleted.

The service layer refuses all of this with a Dutch message first; the triggers make sure no
other path (raw SQL, the admin, a script) can lift the freeze. A database owner can still
drop or disable triggers: production runs the app as a role that does not own the tables
(docs/security.md).
"""

from django.db import migrations

ROUND_FUNCTION = """
CREATE OR REPLACE FUNCTION allocation_round_status_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ('agreed', 'superseded') THEN
            RAISE EXCEPTION 'round % is agreed or superseded: DELETE refused', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'superseded' AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'round % is superseded: status change refused', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status = 'agreed' AND NEW.status <> OLD.status AND NOT (
        NEW.status = 'superseded' AND EXISTS (
            SELECT 1 FROM allocation_roundcorrection c WHERE c.old_round_id = OLD.id
        )
    ) THEN
        RAISE EXCEPTION 'round % is agreed: only a correction may supersede it', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status IN ('agreed', 'superseded')
        AND NEW.agreed_run_id IS DISTINCT FROM OLD.agreed_run_id THEN
        RAISE EXCEPTION 'round % is agreed or superseded: its agreed run is fixed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS allocation_round_status_frozen ON allocation_round;
CREATE TRIGGER allocation_round_status_frozen BEFORE UPDATE OR DELETE ON allocation_round
    FOR EACH ROW EXECUTE FUNCTION allocation_round_status_frozen();
"""

TRANSITION_FUNCTION = """
CREATE OR REPLACE FUNCTION allocation_roundtransition_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'status changes are append-only: UPDATE refused'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF EXISTS (
        SELECT 1 FROM allocation_round r
        WHERE r.id = OLD.round_id AND r.status IN ('agreed', 'superseded')
    ) THEN
        RAISE EXCEPTION 'status changes of an agreed round are kept: DELETE refused'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS allocation_roundtransition_append_only ON allocation_roundtransition;
CREATE TRIGGER allocation_roundtransition_append_only
    BEFORE UPDATE OR DELETE ON allocation_roundtransition
    FOR EACH ROW EXECUTE FUNCTION allocation_roundtransition_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS allocation_round_status_frozen ON allocation_round;
DROP FUNCTION IF EXISTS allocation_round_status_frozen();
DROP TRIGGER IF EXISTS allocation_roundtransition_append_only ON allocation_roundtransition;
DROP FUNCTION IF EXISTS allocation_roundtransition_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ROUND_FUNCTION, params=None)
    schema_editor.execute(TRANSITION_FUNCTION, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_add_partners_and_standing_texts"),
        ("allocation", "0008_scenario_subregion_weights"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
