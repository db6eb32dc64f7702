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
