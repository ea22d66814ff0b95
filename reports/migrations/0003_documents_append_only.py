"""PostgreSQL only: a finished agreement document is append-only (issue 12).

Once a PDF is ready (stored with its SHA-256), its row can be neither changed nor deleted.
A new version of an agreement is a new round with new documents. Rows that are still
waiting, being made or failed may change: that is how a document gets made or retried.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION reports_agreementdocument_append_only() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'ready' THEN
        RAISE EXCEPTION 'agreement document % is ready and kept as made: % refused',
            OLD.id, TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS reports_agreementdocument_append_only ON reports_agreementdocument;
CREATE TRIGGER reports_agreementdocument_append_only
    BEFORE UPDATE OR DELETE ON reports_agreementdocument
    FOR EACH ROW EXECUTE FUNCTION reports_agreementdocument_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS reports_agreementdocument_append_only ON reports_agreementdocument;
DROP FUNCTION IF EXISTS reports_agreementdocument_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_add_approved_digest_and_queue_times")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
