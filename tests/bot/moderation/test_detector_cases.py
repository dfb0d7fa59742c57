"""Must-flag and must-not-flag cases written for an MS community (default threshold 3.0)."""

from __future__ import annotations

import pytest

from bot.moderation.detector import Detector

MUST_FLAG = [
    # The typical post: testimonial, herbal formula, a dodged clinic address.
    "I suffered from MS for 6 years, my tremors and speech problems stopped after I used the "
    "herbal formula from a clinic, visit ww w. someclinic. c om",
    "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234",
    "Thanks to Dr Ahmed and his herbal medicine my MS is gone. Email him drahmed@gmail.com",
    "God bless Dr. Uyi, his roots and herbs cured my MS completely. WhatsApp +2348135551234",
    "I want to share my testimony: I was cured of MS by a herbal doctor, reach him on wa.me/2348135551234",
    # Every link dodge.
    "Natural formula that can cure MS: someclinic dot com",
    "Natural formula that can cure MS: someclinic(.)com",
    "Natural formula that can cure MS: someclinic [.] com",
    "Natural formula that can cure MS: someclinic (dot) com",
    "herbal clinic: ww w. herbalhealing. c om",
    # Confusables, zero-width characters and leetspeak.
    "Ηerbal fоrmula сured my MS",  # Greek H, Cyrillic o and c
    "her\u200bbal for\u200dmula cu\u200bred my M\u200bS",
    "h3rb@l f0rmul@ cur3d my M5",
    "𝐡𝐞𝐫𝐛𝐚𝐥 𝐟𝐨𝐫𝐦𝐮𝐥𝐚 cured my MS",
    # E-mail dodges with a testimonial.
    "He cured me! Write to drmike (at) gmail (dot) com",
    "He cured me! Write to drmike at gmail dot com",
    # Generic spam the server still wants to see.
    "Free entry! You have won a cash prize, claim your reward at bit.ly/abc123",
    "@everyone join my server discord.gg/freestuff",
    "Thanks to Dr. Ekpen my MS symptoms disappeared, his number is +234 813 555 1234",
    "Telegram @drherbs for the natural cure of MS, permanent cure guaranteed",
    # Found while trying it as a new user (issue 9).
    "herbal cure",
    "drwilliams (at) gmail (dot) com for the herbal cure",
    "DM me for the natural protocol that reversed my MS",
    "Buy cheap Ampyra at bit.ly/xyz no prescription",
    "Free Nitro for everyone! Claim it here: discord-nitro-gift.com/claim",
    "Он вылечил меня от рассеянного склероза, пишите ему в WhatsApp +2348135554421",
    "After years in a wheelchair I walk again. w w w . msherbs . com",
    # Every family: third-person testimonials, supplements, stem-cell clinics, masked links,
    # pharmacies, crypto, Discord-native scams, romance, and the other languages.
    "His herbs reversed my husband's MS in 3 months, contact Dr Aziba on WhatsApp +234 902 555 3381",
    # The tactics on their own, with no link or number.
    "His herbs reversed my husband's MS",
    "DM me for the protocol",
    "hey I accidentally reported you, talk to this admin @kevin",
    "can you test my game? link in dms",
    "The Myelin Repair Formula rebuilds your myelin naturally, order now at remyelinate-now.shop",
    "Affordable stem cell treatment abroad cures MS, WhatsApp our coordinator +90 532 555 1187",
    "MS patients can claim a $2,500 relief grant: [nationalmssociety.org](https://ms-relief-grant.com/apply)",
    "Online pharmacy: Ocrevus and modafinil, no prescription needed, discreet shipping",
    "Recovery expert recovered my lost crypto in 48 hours, email hackmike@protonmail.com",
    "Donate BTC for my MS treatment: bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh, every bit helps",
    "hey, I accidentally reported your account, it will be banned. Contact Discord staff @Trust_Kevin",
    "steam gift for the first 10 people: steamcommunnity.com/gift/claim",
    "Looking for a sugar baby, weekly allowance, message me on telegram @richdaddy22",
    "El doctor Okoh me curó la esclerosis múltiple, contáctalo por WhatsApp +234 813 555 2290",
    "Le Dr Osas a guéri ma sclérose en plaques, contactez-le sur WhatsApp +229 97 55 52 41",
    "Dr. Uyi hat meine MS geheilt, schreiben Sie ihm auf WhatsApp +2348035559910",
    "O Dr. Ade curou minha esclerose múltipla, fale com ele no WhatsApp +2348145551290",
    "Il dottor Ekpen ha guarito la mia sclerosi multipla, contattalo su whatsapp +2347065552273",
    "الدكتور أوكو شفاني من التصلب المتعدد، تواصل معه على الواتساب +2348135553380",
]

MUST_NOT_FLAG = [
    # Drugs
    "Started Ocrevus last month, the infusion went fine but I was wiped out for two days",
    "Ampyra helps my walking a bit, baclofen for the spasms at night",
    "Switching from Tysabri to Kesimpta because of JCV, anyone done that?",
    "My neurologist Dr. Smith put me on baclofen, see https://www.nhs.uk/conditions/multiple-sclerosis/",
    "Is vitamin D3 worth it? My levels were low. Omega 3 too?",
    # Cure talk that is honest
    "There is no cure for MS yet, but the DMTs really slow it down",
    "Hoping for a cure for MS in my lifetime",
    "Beware of anyone claiming a herbal formula cured their MS, it's a scam",
    "Research into remyelination might one day cure MS",
    # Diet, faith, therapy, gyms, online exercise, books, yoga
    "I follow the Wahls protocol, lots of greens, and my fatigue is better",
    "Swank diet for 3 years now, low saturated fat. Anyone else?",
    "Praying for you all tonight. God is good, my faith keeps me going",
    "My therapist helped me deal with the diagnosis, CBT really works",
    "Went to the gym today, 20 minutes on the bike. Small wins!",
    "I do the online exercise programme from the MS Trust, it is free: https://mstrust.org.uk",
    "Reading Overcoming Multiple Sclerosis by George Jelinek, recommend it",
    "Chair yoga on YouTube is great for balance: https://www.youtube.com/watch?v=abc",
    "Good article: https://www.nationalmssociety.org/Symptoms-Diagnosis",
    "Found this helpful https://www.mssociety.org.uk/about-ms",
    # Everyday chat with dots and sentences
    "It helped. Me too. So tired. Co workers don't get it.",
    "I went home. Come over later if you like. Net result: I slept 12 hours",
    "Our WhatsApp group for the local MS meetup is a nice place, ask the mods for the link",
    "Call me at the weekend if you want to talk, I'm around",
    "DM me if you want to chat about Lemtrada",
    "lol ok thanks 😊",
    "Anyone tried the herbal medicine from the health food shop? My herbalist suggested turmeric",
    "thanks to dr. jones my relapse was caught early, contact her office via the nhs website",
    "The MS Society helpline is 0808 800 8000, they were lovely",
    "Join us on Telegram or WhatsApp, our support group chat: ask me",
    "<@1> <@2> <@3> <@4> <@5> happy birthday guys!",
    "www. mstrust. org. uk has a good fatigue guide",
    "HSCT reversed my EDSS from 6 to 3, I am so grateful to the team at Sheffield",
    "I was cured of my fear of needles lol. Kesimpta pens are easy",
    # Warnings that quote scams, helplines, fundraisers, partner servers, drug and diet talk.
    'PSA: if anyone DMs you "Dr X cured my MS, whatsapp him", it\'s a scam. Report them',
    "Is this legit? Someone DMed me about a herbal formula that reverses MS",
    "> Dr Okoh cured me of multiple sclerosis, contact him on WhatsApp\nthis is a scam, ignore it",
    "Heads up: the 'free nitro' links posted earlier were a scam, never log in through them",
    "If you're struggling tonight, Samaritans are on 116 123, any time",
    "US folks: the National MS Society navigators are at 1-800-344-4867",
    "I'm walking 5k for the MS Society: justgiving.com/fundraising/sarah-walks-for-ms",
    "Our partner server for MS carers: discord.gg/mscarers, run by friends of ours",
    "My neuro gave me a prescription for Ampyra, my walk test improved",
    "Can you buy vitamin D without a prescription in the UK?",
    "Wahls protocol day 40, more energy, not a cure but I feel more human",
    "My husband's MS has been stable since his stem cell transplant at the hospital",
    "Someone boosted the server with Nitro, thank you!",
    "Hola, me diagnosticaron esclerosis múltiple hace un año. ¿Alguien toma Ocrevus?",
    "Привет всем, у меня рассеянный склероз уже пять лет",
]


@pytest.mark.parametrize("text", MUST_FLAG)
def test_must_flag(detector: Detector, text: str) -> None:
    verdict = detector.check(text)
    assert verdict.flagged, (verdict.score, [r.describe() for r in verdict.reasons])
    # Every flag explains itself: each reason has a weight and says what it matched or why.
    assert all(r.weight != 0 and r.label for r in verdict.reasons)
    assert verdict.score == pytest.approx(sum(r.weight for r in verdict.reasons))


@pytest.mark.parametrize("text", MUST_NOT_FLAG)
def test_must_not_flag(detector: Detector, text: str) -> None:
    verdict = detector.check(text)
    assert not verdict.flagged, (verdict.score, [r.describe() for r in verdict.reasons])


def test_reasons_state_matched_text(detector: Detector) -> None:
    verdict = detector.check("Visit ww w. someclinic. c om for the herbal formula")
    described = [r.describe() for r in verdict.reasons]
    assert any("dodge" in d and "someclinic" in d for d in described)
    assert any("herbal formula" in d for d in described)


def test_allowed_domain_adds_nothing_unknown_adds_something(detector: Detector) -> None:
    assert detector.check("https://www.nhs.uk/conditions").score == 0
    unknown = detector.check("https://randomblog.example.com/post")
    assert unknown.score > 0
    assert any(r.label == "link outside the allow list" for r in unknown.reasons)


def test_threshold_is_respected(detector: Detector) -> None:
    text = "check out my channel please"
    score = detector.check(text).score
    assert score > 0
    assert detector.check(text, threshold=score).flagged
    assert not detector.check(text, threshold=score + 0.01).flagged


def test_warning_scores_below_the_scam_it_quotes(detector: Detector) -> None:
    scam = "Dr X cured my MS, whatsapp him on +234 813 555 1234"
    warning = f'PSA: if anyone DMs you "{scam}", it is a scam. Report them.'
    quoted = f"> {scam}\nIs this legit?"
    assert detector.check(warning).score < detector.check(scam).score
    assert detector.check(quoted).score < detector.check(scam).score


def test_flag_explains_the_wording(detector: Detector) -> None:
    verdict = detector.check("Dr Okoh cured me, whatsapp him now on +234 813 555 1234")
    wording = [r for r in verdict.reasons if r.signal == "wording"]
    assert verdict.flagged and wording
    assert wording[0].label.startswith("wording common in") and "'" in wording[0].matched


@pytest.mark.parametrize(
    "text",
    [
        "Had your mobile 11 months? Latest Nokia all FREE! Text YES to 80086 for callback",
        "Congrats! You won a £500 prize, txt WIN to 80086 now http://bit.ly/x/y",
        "his herbs reversed my husband's MS, message Dr Musa on whatsapp",
    ],
)
def test_wording_is_explained_with_whole_words(detector: Detector, text: str) -> None:
    """Moderators read words, never n-gram fragments, symbols or digit shapes ('/', '00000')."""
    wording = next(r for r in detector.check(text).reasons if r.signal == "wording")
    terms = [term.strip("'") for term in wording.matched.split("', '")]
    assert terms and all(any(c.isalpha() for c in term) for term in terms)
    normalised = text.lower()
    for term in terms:
        assert all(word in normalised for word in term.split(" ")), term


def test_link_reasons_carry_the_rebuilt_domain(detector: Detector) -> None:
    verdict = detector.check("my legs work again thanks to ww w. msherbs. c om")
    link = next(r for r in verdict.reasons if r.rule == "links.obfuscated")
    assert link.matched == "ww w. msherbs. c om" and link.domain == "msherbs.com"
    assert verdict.as_dict()["reasons"][0]["domain"] == "msherbs.com"  # type: ignore[index]


def test_own_video_promotion_is_flagged_until_the_server_trusts_it(detector: Detector) -> None:
    """The one earlier must-not-flag case whose verdict changed with the learned model.

    "Please subscribe" under a video link is the commonest spam of the public YouTube data, so
    the shipped model flags it. A server where members share their own videos dismisses it once
    with "Trust phrase" and it is not flagged again (server learning does the same, gradually).
    """
    from bot.moderation.rules import GuildRules

    text = "Check out my new video on MS fatigue tips: https://youtu.be/xyz please subscribe"
    assert detector.check(text).flagged
    trusting = GuildRules(trusted_phrases=frozenset({"please subscribe"}))
    assert not detector.check(text, trusting).flagged


def test_card_lines_show_the_sign_of_each_weight() -> None:
    from bot.moderation.render import reason_line

    assert reason_line({"weight": 1.5, "reason": "phone number", "matched": "+234"}).startswith(
        "+1.5 phone number"
    )
    assert reason_line({"weight": -0.4, "reason": "wording common in genuine chat"}) == (
        "-0.4 wording common in genuine chat"
    )
