"""The course admin's upload pages: a whole course from its YAML file, and a GIFT file of
questions into one course. Nothing is imported unless the whole file is correct."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from courses.admin.common import admin_url
from courses.forms_admin import CourseYamlUploadForm, GiftUploadForm


class CourseImportViews:
    """The import pages of the course admin, mixed into CourseAdmin, which routes them in its
    `get_urls` and provides `_course` (the course of the URL, or 404/403)."""

    def _may_import(self, request) -> bool:
        # Importing may create a course or replace one: it needs both permissions.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        may_import = self._may_import(request)
        return super().changelist_view(request, {**(extra_context or {}), "may_import": may_import})

    def _upload_page(self, request, *, form, errors, title, intro, course=None, warnings=()):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            "form": form,
            "errors": errors,
            "warnings": warnings,
            "course": course,
        }
        return TemplateResponse(request, "admin/courses/course/upload.html", context)

    def import_yaml_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        from courses.importers.course_yaml import CourseImportError, course_import_yaml

        form = CourseYamlUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    course = course_import_yaml(text=form.cleaned_data["upload"], replace=form.cleaned_data["replace"])
            except CourseImportError as error:
                errors = [(problem.line, problem.message) for problem in error.problems]
            else:
                self.message_user(
                    request,
                    f"Imported {course.title} as a {course.get_status_display().lower()} course.",
                    messages.SUCCESS,
                )
                return redirect(admin_url(course))
        return self._upload_page(
            request,
            form=form,
            errors=errors,
            title="Import course (YAML)",
            intro="Upload a course file in the docere-course/1 or /2 format. Nothing is imported unless the whole file "
            "is correct.",
        )

    def import_gift_view(self, request, object_id):
        course = self._course(request, object_id, self.has_change_permission)
        from courses.importers.gift import GiftImportError
        from courses.importers.gift_import import gift_import

        form = GiftUploadForm(request.POST or None, request.FILES or None)
        errors, warnings = [], []
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    imported = gift_import(course=course, text=form.cleaned_data["upload"])
            except GiftImportError as error:
                errors = [(gift_error.line, gift_error.message) for gift_error in error.errors]
                warnings = [(warning.line, warning.message) for warning in error.warnings]
            else:
                self.message_user(
                    request, f"Imported {len(imported.questions)} question(s) into {course.title}.", messages.SUCCESS
                )
                # Shown on the course page the import returns to, so a reload cannot import twice.
                for warning in imported.warnings:
                    self.message_user(request, f"GIFT file, line {warning.line}: {warning.message}", messages.WARNING)
                return redirect(admin_url(course))
        return self._upload_page(
            request,
            form=form,
            errors=errors,
            warnings=warnings,
            course=course,
            title=f"Import GIFT questions: {course.title}",
            intro="Upload questions in Moodle's GIFT format. Nothing is imported unless every question is correct; "
            "what Docere leaves out (categories, tags, HTML it does not show) is listed as a warning.",
        )
