"""Registers /mydata in the console; the Discord side is ``cogs/mydata.py``."""

from __future__ import annotations

from bot.app import App, Feature
from bot.console.registry import ConsoleArgs, ConsoleContext
from bot.replies import Reply, Tone


def erase_summary(counts: dict[str, int]) -> Reply:
    total = sum(counts.values())
    details = (
        ", ".join(f"{name}: {count}" for name, count in counts.items() if count)
        or "nothing was stored"
    )
    return Reply(body=f"Your data is erased ({total} records; {details}).", tone=Tone.SUCCESS)


def register(app: App) -> None:
    console = app.console

    @console.command(
        "mydata export", "Get everything the bot holds about you, as JSON", feature="privacy"
    )
    async def export(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        data = await app.privacy.export_json(ctx.user_id)
        return Reply(title="Your data", body=data.decode())

    @console.command(
        "mydata delete",
        "Erase everything the bot holds about you (asks to confirm)",
        feature="privacy",
        usage="[confirm]",
    )
    async def delete(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        if args.positional[:1] != ["confirm"]:
            return Reply(
                body="This erases your check-ins, ratings, feedback and settings for good. "
                "Type /mydata delete confirm to go ahead.",
                tone=Tone.WARNING,
            )
        return erase_summary(await app.privacy.erase(ctx.user_id))


FEATURE = Feature(name="privacy", title="Your data", register=register, order=1)
