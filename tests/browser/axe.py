"""axe-core's serious and critical findings on a page, for the accessibility and width tests."""

from axe_playwright_python.sync_playwright import Axe

__all__ = ["serious_violations"]

BLOCKING = {"serious", "critical"}


def serious_violations(page):
    """axe's serious and critical findings on the page: one entry per rule, naming each element at fault."""
    # Folded chart tables are part of the page too: open every <details> so axe checks what is inside.
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    results = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    # "incomplete" is what axe could not decide. Colour contrast lands there for every label drawn over an SVG
    # chart (checked by hand: #222 on white); anything else there, such as aria-describedby naming an id that
    # is not on the page, is a real fault and counts.
    undecided = [v for v in results["incomplete"] if v["id"] != "color-contrast"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>\n"
        + "\n".join(f"    {', '.join(node['target'])}: {node['html'][:200]}" for node in v["nodes"])
        for v in results["violations"] + undecided
        if v["impact"] in BLOCKING
    ]
