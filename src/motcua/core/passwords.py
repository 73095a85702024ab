"""Password rules with Vietnamese messages where Django's translation has none.

Django's Vietnamese catalogue translates «Mật khẩu này quá phổ biến.» but not the
minimum-length message (a plural form), which would reach citizens in English.
"""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self):
        return f"Mật khẩu cần ít nhất {self.min_length} ký tự."
