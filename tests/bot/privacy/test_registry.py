import json

import pytest

from bot.privacy import PrivacyRegistry, PrivacySection


async def test_export_and_erase_cover_every_section() -> None:
    store = {"a": {1: ["x", "y"], 2: ["z"]}, "b": {1: ["w"]}}
    registry = PrivacyRegistry()
    for name in store:

        async def export(user_id: int, name: str = name) -> list[str]:
            return store[name].get(user_id, [])

        async def erase(user_id: int, name: str = name) -> int:
            return len(store[name].pop(user_id, []))

        registry.register(PrivacySection(name, f"{name} data", export, erase))

    data = json.loads(await registry.export_json(1))
    assert data["a"] == ["x", "y"]
    assert data["b"] == ["w"]
    assert data["user_id"] == "1"
    assert await registry.erase(1) == {"a": 2, "b": 1}
    assert json.loads(await registry.export_json(1))["a"] == []
    assert store["a"][2] == ["z"]  # other members untouched


def test_section_names_are_unique() -> None:
    registry = PrivacyRegistry()

    async def nothing(user_id: int) -> int:
        return 0

    registry.register(PrivacySection("s", "d", nothing, nothing))
    with pytest.raises(ValueError):
        registry.register(PrivacySection("s", "d", nothing, nothing))
