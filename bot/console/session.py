"""One console session: what a typed line does, and printing what the bot shows.

The console is a Discord client of the local Discord: a line starting with ``/`` runs one of the
commands the bot synced, a plain line is a message in the current channel (so moderation scans
it), a number or ``click <label>`` presses a button, a modal asks its fields one by one.
Nothing here knows a feature: every answer comes from the real cogs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.console.parse import parse
from bot.console.render import NAMES as names
from bot.console.render import Choice, choices_of, message_text
from bot.local_discord import Driver, LocalDiscord, Shown, World
from bot.local_discord.model import LOADING, Message, Seen, User
from bot.local_discord.options import InputError
from bot.local_discord.world import PERSONAS

Ask = Callable[[str], Awaitable[str | None]]

TOUR = """MS companion bot on a local Discord: the real bot, you are its members.
You are the server owner in #general. Try this:
  /help                                      what I can do, by feature
  /config channel moderation_review_channel #mod-review
  /as member                                 become an ordinary member
  Dr Ogala's herbal cure reversed my MS! WhatsApp +2348012345678
                                             (a plain line is a message: watch #mod-review)
  /as moderator                              then type the card's number to Delete it
  /article share fatigue-and-weakness        then: click 2 stars (a form asks for feedback)
  /streak join Europe/Paris 19:30            then: 1 to join
Type help for the console keys, quit to leave."""

CONSOLE_HELP = """Console keys (everything else is Discord):
  /command ...     run a bot command: /checkin minutes:10 or /checkin 10 walking
  a plain line     a message in the current channel (moderation scans it)
  #name            go to a channel (#general, #mod-review, #checkins, #article-feedback, #dm)
  /as NAME         be someone else: owner, admin, moderator or member (real permissions)
  1, 2, ...        press a numbered button or menu option; or: click 5 stars, select 1 hour
  !edit TEXT       edit your last message
  !apps [NAME]     the message menus (Apps on a long-press), or use one on the newest
                   message here by someone else: !apps Teach: spam  tour             the short tour again
  quit             leave (Ctrl-D works too)"""


class ConsoleSession:
    def __init__(
        self, local: LocalDiscord, world: World, driver: Driver, out: Callable[[str], None]
    ) -> None:
        self.local = local
        self.world = world
        self.driver = driver
        self.out = out
        self.persona = "owner"
        self.channel = world.channel("general")
        self.choices: list[Choice] = []
        self.recent: list[Message] = []  # messages with components, newest last
        self.last_posted: dict[str, Message] = {}
        self.finished = False
        local.watchers.append(self.show)
        names.update({u.id: f"@{p}" for p, u in world.users.items()})
        names.update({c.id: f"#{n}" for n, c in world.channels.items()})

    @property
    def user(self) -> User:
        return self.world.user(self.persona)

    @property
    def prompt(self) -> str:
        where = "DM" if self.channel.is_dm else f"#{self.channel.name}"
        return f"{where} {self.persona}> "

    # -- showing -----------------------------------------------------------------------------
    def _where(self, message: Message) -> str:
        channel = self.local.channels[message.channel_id]
        if channel.is_dm:
            recipient = channel.recipient
            name = next(
                (p for p, u in self.world.users.items() if recipient and u.id == recipient.id), "?"
            )
            return f"DM to {name}"
        return "" if channel.id == self.channel.id else f"in #{channel.name}"

    def show(self, seen: Seen) -> None:
        """Print what appeared (the local Discord calls this as things happen)."""
        if seen.kind == "failed" and seen.user_id == self.user.id:
            self.out("The application did not respond. (It missed Discord's 3-second deadline.)")
            return
        message = seen.message
        if message is None or seen.kind not in ("message", "edit", "delete"):
            return
        if seen.kind == "delete":
            channel = self.local.channels[message.channel_id]
            self.out(f"(a message by {message.author.name} was deleted in #{channel.name})")
            return
        if message.author.id != self.local.bot_user.id or message.flags & LOADING:
            return
        if message.only_for is not None and message.only_for != self.user.id:
            return
        labels = [self._where(message), "(only you see this)" if message.ephemeral else ""]
        if seen.kind == "edit":
            labels.append("(updated)")
        choices = choices_of(message) if self.local.visible_to(message, self.user.id) else []
        header = " ".join(["bot", *filter(None, labels)]) + ":"
        body = message_text(message, choices)
        self.out(header + "\n" + "\n".join(f"  {line}" for line in body.splitlines()))
        if choices:
            self.choices = choices
            self.recent = [*[m for m in self.recent if m.id != message.id][-9:], message]

    # -- one line ----------------------------------------------------------------------------
    async def handle(self, line: str, ask: Ask) -> None:
        """Run one typed line; whatever goes wrong is told, never raised."""
        line = line.strip()
        if not line:
            return
        try:
            await self._dispatch(line, ask)
        except InputError as error:
            self.out(f"Sorry: {error}")

    async def _dispatch(self, line: str, ask: Ask) -> None:
        word = line.split()[0].lower()
        if word in ("quit", "exit", "/quit", "/exit"):
            self.finished = True
        elif word in ("help", "?"):
            self.out(CONSOLE_HELP)
        elif line.strip().lower() == "tour":
            self.out(TOUR)
        elif line.startswith("#"):
            self._switch_channel(line[1:].strip())
        elif word == "/as":
            self._switch_persona(line.split()[1:])
        elif word == "!edit":
            await self._edit(line[len("!edit") :].strip())
        elif word == "!apps":
            await self._apps(line[len("!apps") :].strip(), ask)
        elif line.isascii() and line.isdigit():  # "²" is a digit to isdigit, not to int
            await self._pick(int(line), ask)
        elif word in ("click", "select", "choose"):
            await self._by_label(word, line.split(maxsplit=1)[1:], ask)
        elif line.startswith("/"):
            await self._command(line, ask)
        else:
            shown = await self.driver.post(self.channel, self.user, line)
            self.last_posted[self.persona] = (
                shown.messages[0] if shown.messages else self.last_posted.get(self.persona)
            )  # type: ignore[assignment]

    def _switch_channel(self, name: str) -> None:
        if name in ("dm", "DM"):
            self.channel = self.driver.dm_channel(self.user)
        else:
            try:
                self.channel = self.world.channel(name)
            except KeyError:
                names = ", ".join(f"#{n}" for n in self.world.channels)
                raise InputError(f"No channel #{name}. Channels: {names}, #dm.") from None
        self.out(f"You are in {self.prompt[:-2].rsplit(' ', 1)[0]}.")
        self._show_recent()

    def _switch_persona(self, words: list[str]) -> None:
        if len(words) != 1 or words[0].lower() not in PERSONAS:
            raise InputError(f"Usage: /as {'|'.join(PERSONAS)}")
        self.persona = words[0].lower()
        if self.channel.is_dm:
            self.channel = self.driver.dm_channel(self.user)
        roles = [
            self.world.guild.roles[r].name for r in self.world.guild.members[self.user.id].roles
        ]
        detail = ", ".join(roles) or ("server owner" if self.persona == "owner" else "no role")
        self.out(f"You are now {self.user.name} ({detail}).")
        self._refresh_choices()

    def _refresh_choices(self) -> None:
        """Numbers refer to the newest message with buttons this member can see."""
        visible = [
            m
            for m in self.local.messages.values()
            if m.components and self.local.visible_to(m, self.user.id)
        ]
        here = [m for m in visible if m.channel_id == self.channel.id]
        latest = (here or visible)[-1:]
        self.recent = visible[-10:]
        self.choices = choices_of(latest[0]) if latest else []
        if self.choices:
            where = self._where(latest[0]) or "here"
            listed = ", ".join(f"[{n}] {c.label}" for n, c in enumerate(self.choices, start=1))
            self.out(f"Buttons on the latest message {where}: {listed}")

    def _show_recent(self) -> None:
        """Like opening a channel: its last few messages, then its buttons."""
        for message in self.local.history.get(self.channel.id, [])[-3:]:
            author = "bot" if message.author.id == self.local.bot_user.id else message.author.name
            body = message_text(message, [])
            self.out(f"{author}:\n" + "\n".join(f"  {line}" for line in body.splitlines()))
        self._refresh_choices()

    async def _edit(self, text: str) -> None:
        message = self.last_posted.get(self.persona)
        if message is None or message.deleted:
            raise InputError("You have no message to edit here yet.")
        await self.driver.edit(message, text)
        self.out("(edited)")

    async def _apps(self, wanted: str, ask: Ask) -> None:
        """Message menus, on the newest message here by someone else (what a long-press hits)."""
        menus = [command.name for command in self.driver.commands_in(self.channel, kind=3)]
        target = next(
            (
                m
                for m in reversed(self.local.history.get(self.channel.id, []))
                if m.author.id != self.user.id and not m.deleted and not m.ephemeral
            ),
            None,
        )
        if not wanted:
            whose = f"the newest message by {target.author.name}" if target else "a message"
            self.out(
                f"Message menus: {', '.join(menus) or 'none'}. Use one on {whose} here: !apps NAME"
            )
            return
        name = next((n for n in menus if n.lower() == wanted.lower()), None) or next(
            (n for n in menus if n.lower().startswith(wanted.lower())), None
        )
        if name is None:
            raise InputError(f"No message menu '{wanted}'. Menus: {', '.join(menus) or 'none'}.")
        if target is None:
            raise InputError("There is no message by someone else here to use it on.")
        await self._after(await self.driver.menu(name, target, who=self.user), ask)

    async def _command(self, line: str, ask: Ask) -> None:
        typed = parse(self.driver, self.channel, line)
        shown = await self.driver.run(
            " ".join(typed.words), typed.values, who=self.user, where=self.channel
        )
        await self._after(shown, ask)

    async def _pick(self, number: int, ask: Ask) -> None:
        if not 1 <= number <= len(self.choices):
            raise InputError("There is no choice with that number on the last message.")
        await self._press(self.choices[number - 1], ask)

    async def _press(self, choice: Choice, ask: Ask) -> None:
        if choice.kind == "button":
            shown = await self.driver.click(choice.message, choice.custom_id, who=self.user)
        else:
            shown = await self.driver.select(
                choice.message, [choice.value], who=self.user, menu=choice.custom_id
            )
        await self._after(shown, ask)

    async def _by_label(self, word: str, rest: list[str], ask: Ask) -> None:
        if not rest:
            raise InputError(f"Usage: {word} <label>, for example: click 5 stars")
        wanted = rest[0].strip().lower()
        for message in reversed(self.recent):
            for choice in choices_of(message):
                if choice.label.lower() == wanted or choice.label.lower().startswith(wanted):
                    await self._press(choice, ask)
                    return
        raise InputError(f"No button or option '{rest[0]}' on the recent messages.")

    async def _after(self, shown: Shown, ask: Ask) -> None:
        while shown.modal is not None:
            shown = await self._fill_modal(shown, ask)

    async def _fill_modal(self, opened: Shown, ask: Ask) -> Shown:
        modal = opened.modal or {}
        self.out(
            f"Form: {modal.get('title')} (answer each field; an empty line skips an optional one)"
        )
        answers = []
        for field in self.driver.modal_fields(modal):
            hint = "" if field.get("required", True) else " (optional)"
            limit = field.get("max_length")
            hint += f", up to {limit} characters" if limit else ""
            answer = await ask(f"{field.get('label')}{hint}: ")
            if answer is None:
                self.out("The form was closed; nothing was sent.")
                return Shown()
            answers.append(answer.strip())
        return await self.driver.submit_modal(opened, answers)
