"""Layout helpers shared by every page's templates."""

from django import template
from django.utils.html import format_html

register = template.Library()


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist, self.label = nodelist, label

    def render(self, context):
        return format_html(
            '<div class="table-responsive" tabindex="0" role="region" aria-label="{}">{}</div>',
            self.label.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def scroll_region(parser, token):
    """{% scroll_region label %}<table>…</table>{% endscroll_region %}

    A wide table scrolls inside its own box instead of widening the page on a phone; the box can be
    reached and scrolled with the keyboard and is announced with its label (axe: scrollable-region-focusable).
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("scroll_region takes one argument: the region's label")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, parser.compile_filter(bits[1]))
