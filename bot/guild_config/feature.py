"""Registers /config in the console; the Discord side is ``cogs/config.py``."""

from __future__ import annotations

from bot.app import App, Feature
from bot.console.registry import ConsoleArgs, ConsoleContext
from bot.errors import UserError
from bot.replies import Reply, Tone


def register(app: App) -> None:
    console = app.console

    @console.command("config show", "Show this server's settings", feature="guild_config")
    async def show(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        return await app.config.show(ctx.guild_id, app.feature_titles)

    @console.command(
        "config set",
        "Change a server setting (Manage Server)",
        feature="guild_config",
        usage="<option> <value>",
    )
    async def set_(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        if len(args.positional) < 2:
            raise UserError("Usage: /config set <option> <value>. See /config show for options.")
        name, raw = args.positional[0], " ".join(args.positional[1:])
        return await set_option(app, ctx.guild_id, name, raw, ctx.user_id)

    @console.command(
        "config reset",
        "Put a server setting back to its default",
        feature="guild_config",
        usage="<option>",
    )
    async def reset(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        if not args.positional:
            raise UserError("Usage: /config reset <option>")
        key = app.config.key(args.positional[0])
        await app.config.reset(ctx.guild_id, key.name)
        return Reply(
            body=f"{key.name} is back to its default: {key.display(key.default)}.",
            tone=Tone.SUCCESS,
        )


async def set_option(app: App, guild_id: int, name: str, raw: str, actor_id: int) -> Reply:
    """Shared by the console and the cog, so both say the same thing."""
    key = app.config.key(name)
    value = await app.config.set(guild_id, key.name, raw, actor_id=actor_id)
    return Reply(body=f"{key.name} is now {key.display(value)}.", tone=Tone.SUCCESS)


FEATURE = Feature(name="guild_config", title="Server settings", register=register, order=0)
