from django import template
from django.utils.safestring import SafeString

from alma.forum.markdown import markdown_html

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown rendered and sanitised (alma.forum.markdown)."""
    return markdown_html(text)
