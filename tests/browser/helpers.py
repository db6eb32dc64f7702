"""Small waits and checks the browser journeys share."""


def htmx_ready(page):
    """A person reads the page before typing; a test must at least wait until htmx has wired it up."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def pass_second_factor(page, user):
    """After the password, an admin gives their authenticator app's code (allauth's MFA step); others go on."""
    from tests.second_factor import totp_code

    if "/accounts/2fa/authenticate/" not in page.url:
        return page
    page.fill("input[name=code]", totp_code(user))
    page.click("form[action$='/accounts/2fa/authenticate/'] button[type=submit]")
    page.wait_for_load_state("load")
    return page


def person_registered_for(session, full_name, **fields):
    """A person of the session's city registered for it (status registered), as the trainer's roster shows them."""
    from tests.factories import AttendanceFactory, ParticipantFactory

    return AttendanceFactory(
        session=session, participant=ParticipantFactory(city=session.city, full_name=full_name, **fields)
    ).participant


def open_check_in(page, live_server, session, path=""):
    """The session's check-in page (or one of its pages, e.g. path="walk-in/"), ready for typing and tapping."""
    url = f"{live_server.url}/trainer/sessions/{session.pk}/{path}"
    page.goto(url)
    htmx_ready(page)
    return url
