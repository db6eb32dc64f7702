"""Small waits and checks the browser journeys share."""


def htmx_ready(page):
    """A person reads the page before typing; a test must at least wait until htmx has wired it up."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
