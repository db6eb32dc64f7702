from .roles import role_of


def role(request):
    """Expose the current user's role to templates for navigation."""
    return {"user_role": role_of(getattr(request, "user", None))}
