# Maintained by the OpenRouter app template: copier update replaces this file.
# The starter as the template ships it (src/my_openrouter_app/__main__.py on the first day):
# the kit's tests run this copy, so they hold however you change or replace yours.
"""Stream one chat completion from OpenRouter: python -m <package> "Say hello".

This is where your app starts, and it is yours: copier update never changes
it. It shows the pattern to keep: settings for one environment, a client from
the kit (openrouter/, which the template maintains), and a clear message
instead of a traceback when something goes wrong.
"""

from __future__ import annotations

import argparse
import sys

import openai

from my_openrouter_app.openrouter import (
    Problem,
    chat_options,
    command,
    create_client,
    explain,
    explain_stream,
    key_info,
    load_settings,
    usage_line,
)


def main(argv: list[str] | None = None) -> int:
    """Run the starter; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog=command("start"),
        description="Stream a reply from OpenRouter to a prompt.",
    )
    parser.add_argument("prompt", nargs="+", help="what to ask the model")
    parser.add_argument("--env", help="the environment to use (default: APP_ENV)")
    args = parser.parse_args(argv)

    try:
        settings = load_settings(args.env)
        client = create_client(settings)
    except Problem as error:
        print(f"error: {error.text.line()}", file=sys.stderr)
        return error.status

    try:
        stream = client.chat.completions.create(
            model=settings.model,
            messages=[{"role": "user", "content": " ".join(args.prompt)}],
            stream=True,
            # max_completion_tokens (OpenRouter sets aside that many times the price before
            # it answers), fallback models and provider preferences, from the settings.
            extra_body=chat_options(settings),
        )
    except openai.APIError as error:
        # A 402 is the key's own credit limit or the account's balance: GET /key tells which.
        key = key_info(client) if getattr(error, "status_code", 0) == 402 else None
        print(f"error: {explain(error, settings, key=key).line()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130

    replying = finished = False
    failure: Exception | None = None
    usage: str | None = None  # what the reply cost: the last chunk carries it
    try:
        for chunk in stream:
            usage = usage_line(chunk) or usage
            for choice in chunk.choices:
                if choice.delta.content:
                    print(choice.delta.content, end="", flush=True)
                    replying = True
                # The last chunk says why the model stopped; a stream without one was cut.
                finished = finished or choice.finish_reason is not None
    except (openai.APIError, ValueError) as error:  # ValueError: an event that is not JSON
        failure = error
    except KeyboardInterrupt:
        return 130
    if finished:
        print()
        if usage:
            print(usage, file=sys.stderr)
        return 0
    if replying:
        print(flush=True)  # end the partial reply's line
    print(f"error: {explain_stream(failure, settings).line()}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
