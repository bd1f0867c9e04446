"""Forms of the import pages: the upload, the column mapping and a segment's name."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alma.imports.fields import FIELDS
from alma.imports.models import ImportMapping
from alma.imports.reading import max_bytes


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is larger than the limit of %(mb)d MB.") % {"mb": max_bytes() // 2**20}
            )
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file; optionally saved under a name for the next file."""

    save_as = forms.CharField(label=_("Save this mapping as"), max_length=120, required=False)
    skip_invalid = forms.BooleanField(label=_("Skip the invalid rows"), required=False)

    def __init__(
        self, *args: Any, headers: list[str], initial_columns: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— ignore —"))] + [(f.name, f.label) for f in FIELDS.values()]
        self.headers = headers
        for i, header in enumerate(headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=header or _("(column %(n)d)") % {"n": i + 1},
                choices=choices,
                required=False,
                initial=initial_columns.get(header, ""),
            )
        saved = list(ImportMapping.objects.values_list("name", flat=True)[:50])
        if saved:
            self.fields["use_saved"] = forms.ChoiceField(
                label=_("Or use a saved mapping"),
                choices=[("", "—")] + [(n, n) for n in saved],
                required=False,
            )

    def column_fields(self) -> list[Any]:
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def columns(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"col_{i}") or ""
            for i, header in enumerate(self.headers)
            if header and self.cleaned_data.get(f"col_{i}")
        }


class SegmentForm(forms.Form):
    """A segment's name and description; its search comes from the directory, not the form.

    The name's uniqueness is the service's rule (`export.segment_create`/`segment_update`).
    """

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
