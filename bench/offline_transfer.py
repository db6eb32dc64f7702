"""Bytes the trainer's phone downloads to open a session page: cold, and with the service worker's cache.

Runs Debian's Chromium at 390x844 against a running platform (`make run`), logs in as the demo
trainer, opens their first session of today, and sums what came over the network per
response (Playwright's request.sizes(): headers and body as transferred), and what the service worker
answered from its cache. The HTTP cache is off (a fresh context each time the worker is cleared).

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
    page.context.on("requestfinished", finished.append)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    page.context.remove_listener("requestfinished", finished.append)
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
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{BASE}/accounts/login/")
        page.fill("input[name=login]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=password]) [type=submit]")
        page.wait_for_load_state("networkidle")
        link = page.locator("[data-testid^=session-]").first.get_attribute("href")
        url = BASE + link
        # cold: no service worker has run yet for this page (it registered on "My sessions" but never controlled it)
        page.evaluate("navigator.serviceWorker.getRegistrations().then(rs => Promise.all(rs.map(r => r.unregister())))")
        page.evaluate("caches.keys().then(ks => Promise.all(ks.map(k => caches.delete(k))))")
        page.goto("about:blank")
        cold = measure(page, url)
        page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("() => caches.open('laju-pages').then(c => c.keys()).then(k => k.length > 0)")
        warm = measure(page, url)
        page.context.set_offline(True)
        offline = measure(page, url)
        browser.close()
    for name, result in (("cold", cold), ("service worker cache", warm), ("offline", offline)):
        print(f"{name}: {result['network_bytes']} bytes over the network in {result['requests']} requests")
        for path, size, source in result["rows"]:
            print(f"    {size:>8}  {source:<14}  {path}")


if __name__ == "__main__":
    main()
