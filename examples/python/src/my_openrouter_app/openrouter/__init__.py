# Maintained by the OpenRouter app template: copier update replaces this file.
"""The OpenRouter kit: what your app imports, and all it should import from here.

    from .openrouter import Problem, create_client, explain, load_settings

    settings = load_settings()  # --env / APP_ENV, the process environment, .env files
    client = create_client(settings, timeout=30)  # an openai.OpenAI for OpenRouter
    extra_body = chat_options(settings)  # max_completion_tokens, fallbacks, provider preferences
    usage_line(completion)  # "12 in, 48 out, $0.000123, openai/gpt-4o-mini via OpenAI"

settings.get("MY_SETTING") reads your app's own variables the same way. The
commands live here too: python -m <package>.openrouter.verify, .login, .keys.
The other modules are the kit's internals; copier update replaces them all.
"""

from .catalog import Problem, Text
from .chat import chat_options, usage_line
from .client import create_async_client, create_client
from .config import Settings, command, load_settings
from .explain import explain, explain_stream, key_info

__all__ = [
    "Problem",
    "Settings",
    "Text",
    "chat_options",
    "command",
    "create_async_client",
    "create_client",
    "explain",
    "explain_stream",
    "key_info",
    "load_settings",
    "usage_line",
]
