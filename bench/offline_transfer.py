"""Bytes the trainer's phone downloads to open a session page: cold, and with the service worker's cache.

Runs Debian's Chromium at 390x844 against a running platform (`make run`), logs in as the demo
trainer, opens their first session of today, and sums what came over the network per
response (Playwright's request.sizes(): headers and body as transferred), and what the service worker
answered from its cache. Cold is a fresh browser context (empty HTTP cache, service workers blocked);
the cached load has the browser's HTTP cache disabled, so only the service worker can save bytes.

    .venv/bin/python bench/offline_transfer.py http://127.0.0.1:8130 [trainer@example.org] [password]
"""

import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
EMAIL = sys.argv[2] if len(sys.argv) > 2 else "trainer@example.org"
PASSWORD = sys.argv[3] if len(sys.argv) > 3 else "laju-digital-2018"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def measure(page, url: str) -> dict:
    """Load `url`; every request the page or the service worker made, with the bytes it took on the network.

    A response the service worker answered is 0 bytes to the page; what the worker itself fetched
    from the network (the page's HTML, network-first) is counted as the worker's request.
    """
    finished = []

    def keep(request):
        finished.append(request)

    page.context.on("requestfinished", keep)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    page.context.remove_listener("requestfinished", keep)
    rows, network = [], 0
    for request in finished:
        response = request.response()
        by_worker = request.service_worker is not None
        if response is not None and response.from_service_worker:
            rows.append((request.url.replace(BASE, ""), 0, "from the service worker"))
            continue
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        network += size
        rows.append((request.url.replace(BASE, ""), size, "network (worker)" if by_worker else "network"))
    return {"requests": len(rows), "network_bytes": network, "rows": rows}


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        phone = {"viewport": {"width": 390, "height": 844}}
        login = browser.new_context(**phone, service_workers="block")
        page = login.new_page()
        page.goto(f"{BASE}/accounts/login/")
        page.fill("input[name=login]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=password]) [type=submit]")
        page.wait_for_load_state("networkidle")
        url = BASE + page.locator("[data-testid^=session-]").first.get_attribute("href")
        state = login.storage_state()
        login.close()

        # cold: a phone that has never seen the site's files (empty HTTP cache, no service worker)
        cold_context = browser.new_context(**phone, storage_state=state, service_workers="block")
        cold = measure(cold_context.new_page(), url)
        cold_context.close()

        # with the service worker: the first visit installs it and keeps the shell and this page
        context = browser.new_context(**phone, storage_state=state)
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("() => caches.open('laju-pages').then(c => c.keys()).then(k => k.length > 0)")
        page.close()
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # only the service worker may help, not the HTTP cache
        warm = measure(page, url)
        context.set_offline(True)
        offline = measure(page, url)
        browser.close()
    for name, result in (("cold", cold), ("service worker cache", warm), ("offline", offline)):
        print(f"{name}: {result['network_bytes']} bytes over the network in {result['requests']} requests")
        for path, size, source in result["rows"]:
            print(f"    {size:>8}  {source:<14}  {path}")


if __name__ == "__main__":
    main()
