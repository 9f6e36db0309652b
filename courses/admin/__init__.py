"""Course authoring in the admin, for the "Course authors" group (migration 0002).

Publishing goes through `courses.authoring_services.course_publish`, so the admin applies exactly
the checks every other writer does; graded content is locked once learners have
submitted attempts (`courses.authoring_services.graded_content_guard`).
"""

# Importing each page registers it with the admin site.
from courses.admin.courses import CourseAdmin, FacultyAdmin, TopicAdmin
from courses.admin.quizzes import QuestionAdmin, QuizAdmin
from courses.admin.records import AttemptAdmin, EnrollmentAdmin

__all__ = ["AttemptAdmin", "CourseAdmin", "EnrollmentAdmin", "FacultyAdmin", "QuestionAdmin", "QuizAdmin", "TopicAdmin"]
