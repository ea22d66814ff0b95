"""Editions of an agreement document (issue 15): a co-sign after adoption makes a new edition.

One document per (round, sub-region, edition) instead of per (round, sub-region). Existing
rows become edition 1. Only schema changes, no row is updated: on PostgreSQL the
append-only trigger of 0003 (a ready PDF can be neither changed nor deleted) stays as it is
and keeps holding for every edition; on SQLite (no trigger) the table is rebuilt by Django
with its rows copied as they are.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_documents_append_only"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="agreementdocument",
            options={
                "ordering": ["round", "subregion__name", "edition"],
                "verbose_name": "agreement document",
                "verbose_name_plural": "agreement documents",
            },
        ),
        migrations.RemoveConstraint(
            model_name="agreementdocument",
            name="agreement_document_unique_per_subregion",
        ),
        migrations.RemoveConstraint(
            model_name="agreementdocument",
            name="agreement_document_unique_mra",
        ),
        migrations.AddField(
            model_name="agreementdocument",
            name="edition",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="1 at adoption; a later edition adds partners' acknowledgements, with the same numbers.",
                verbose_name="edition",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreementdocument",
            name="edition",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="1 at adoption; a later edition adds partners' acknowledgements, with the same numbers.",
                verbose_name="edition",
            ),
        ),
        migrations.AddConstraint(
            model_name="agreementdocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("subregion__isnull", False)),
                fields=("round", "subregion", "edition"),
                name="agreement_document_unique_edition_per_subregion",
            ),
        ),
        migrations.AddConstraint(
            model_name="agreementdocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("subregion__isnull", True)),
                fields=("round", "edition"),
                name="agreement_document_unique_edition_mra",
            ),
        ),
        migrations.AddConstraint(
            model_name="agreementdocument",
            constraint=models.CheckConstraint(
                condition=models.Q(("edition__gte", 1)), name="agreement_document_edition_positive"
            ),
        ),
    ]
