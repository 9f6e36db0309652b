"""The mentoring app's domain error: a message a director or a mentor can act on."""


class MentoringError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
