"""PostgreSQL only: triggers that refuse changes to the rows of an agreed or superseded round.

The service layer refuses these writes with a Dutch message; the triggers make sure that
no other path (raw SQL, the admin, a script) can change an adopted agreement either. Each
frozen table gets a BEFORE INSERT/UPDATE/DELETE row trigger that finds the row's round
(for the old and the new row) and raises when that round is agreed or superseded.
The round row itself is not frozen: it must still move from agreed to superseded.
"""

from django.db import migrations

# table -> SQL expression of the row's round id, with ROW standing for OLD or NEW.
FROZEN_TABLES = {
    "allocation_scenario": "ROW.round_id",
    "allocation_scenariorun": (
        "(SELECT s.round_id FROM allocation_scenario s WHERE s.id = ROW.scenario_id)"
    ),
    "allocation_scenariogroupsetting": (
        "(SELECT s.round_id FROM allocation_scenario s WHERE s.id = ROW.scenario_id)"
    ),
    "allocation_scenarioweight": (
        "(SELECT s.round_id FROM allocation_scenariogroupsetting g "
        "JOIN allocation_scenario s ON s.id = g.scenario_id WHERE g.id = ROW.setting_id)"
    ),
    "allocation_proposal": "ROW.round_id",
    "allocation_approval": (
        "(SELECT p.round_id FROM allocation_proposal p WHERE p.id = ROW.proposal_id)"
    ),
    "allocation_transfer": "ROW.round_id",
}

FUNCTION = """
CREATE OR REPLACE FUNCTION {table}_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM allocation_round r
        WHERE r.id = {old} AND r.status IN ('agreed', 'superseded')
    ) THEN
        RAISE EXCEPTION 'round is agreed or superseded: % on {table} refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (
        SELECT 1 FROM allocation_round r
        WHERE r.id = {new} AND r.status IN ('agreed', 'superseded')
    ) THEN
        RAISE EXCEPTION 'round is agreed or superseded: % on {table} refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_frozen ON {table};
CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS {table}_frozen ON {table};
DROP FUNCTION IF EXISTS {table}_frozen();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, expression in FROZEN_TABLES.items():
        schema_editor.execute(
            FUNCTION.format(
                table=table,
                old=expression.replace("ROW.", "OLD."),
                new=expression.replace("ROW.", "NEW."),
            ),
            params=None,  # the SQL holds a literal % (RAISE ... %, TG_OP)
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FROZEN_TABLES:
        schema_editor.execute(DROP.format(table=table), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0003_review_and_agreement"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
