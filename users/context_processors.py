from .areas import AreaAccess
from .navigation import navigation_for


def role(request):
    """Which areas the user may open (`may.<area>`, users/areas.py) and their menu (users/navigation.py): templates
    ask these, never the role itself."""
    user = getattr(request, "user", None)
    return {"may": AreaAccess(user), "nav_menu": navigation_for(user)}
