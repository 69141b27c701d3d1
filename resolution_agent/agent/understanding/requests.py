"""The requests in one customer message: "freeze my card, and when does my new one arrive?".

A message is cut into clauses where a request may end: at a sentence's end (``. ? !``) and at
a joining word (``and``, ``also``, ``plus``, ``as well``). Clauses are classified together (one
encode call for all of them) and a clause starts a new request only when it is confidently a
different problem, one with its own procedure or help answer, from every request already found;
anything else (an unsure clause, the same problem told again, a greeting, a detail such as
"the joint one 9087 is fine") stays with the request before it. A message with one request is
not split, so for almost every message nothing changes.

Limits: a clause is read on its own, so "and the other one too" (a request that only means
something with the first) is never a second request; two requests joined by a comma alone
("freeze my card, what's my balance") are not cut.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import IntentPrediction, Request
from resolution_agent.agent.understanding.base import IntentClassifier
from resolution_agent.agent.understanding.direction import steer
from resolution_agent.agent.understanding.signals import asks_us_to_act, reports_card_misuse

#: A clause must be at least this sure, and this far ahead of its runner-up, to be a request.
SURE = 0.5
MARGIN = 0.15
#: A clause that is not a question of its own starts a second request only when surer than
#: that: at 0.5 a statement is as likely more of the first ("forgot my passcode ... and now im
#: locked out": pin_blocked 0.52) as a request of its own. A question of its own ("how much
#: cash can i take out in a day?", 0.58) asks for something whatever came before it.
SECOND = 0.6
#: A question of its own whose two likeliest problems together are this sure is a request,
#: even when neither alone is sure.
PAIR = 0.85
#: A message read whole this surely as one problem keeps a clause only this sure (``SURE``
#: to ``SECOND``) as part of that problem, whatever the clause alone leans to.
WHOLE_SURE = 0.9
#: A message cut into more pieces than this is a story (or a rant), not a list of requests:
#: its sentences explain one problem, and acting on each would do things nobody asked for.
MOST_CLAUSES = 4

# Where one request may end and another begin: a sentence's end, or a joining word (with the
# comma or "also"/"can you" around it). The joining words themselves are dropped.
_CUT = re.compile(
    r"(?<=[.?!])\s+(?:(?:and|also|plus)\s+)*"
    r"|,?\s+(?:and\s+also|and\s+then|and\s+while\s+\w+\s+\w+\s+it|and|also|plus|as\s+well\s+as)\s+",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z']+")
_MIN_WORDS = 4
# A clause that points back at what the clause before it named ("it keeps failing", "he's
# lost it", "can i use it again", "only got the virtual one") is more about that, not a request
# of its own; unless it is a question of its own ("how do i put it on apple pay").
_POINTS_BACK = re.compile(r"^(?:he|he's|she|she's|they|they're|that|this|which)\b", re.I)
_REFERS_BACK = re.compile(r"\b(?:it|its|it's|one|them)\b", re.I)
#: "bin off the ee direct debit while ur at it": an "it" of an idiom points at nothing before
_IDIOM_IT = re.compile(
    r"\bwhile (?:you'?re|youre|ur|you are|u r|your) at it\b|\bif (?:it'?s|its) not too much\b",
    re.I,
)
_OWN_QUESTION = re.compile(
    r"^(?:what|whats|what's|wat|where|wheres|where's|when|why|how|hw|which|who|"
    # "is there a daily cap on cash withdrawals", "do you charge for that abroad"
    r"is there|are there|do you|do u|is it possible|"
    # "did the £25,000 I sent to Lawson & Reid go through on the same day"
    r"did (?:the|my|you|u)|has (?:the|my)|was (?:the|my))\b|"
    # "can i change my pin at any cashpoint or does it have to be a particular one": a "can i"
    # question is its own when it names its own subject ("can i use it again now" does not)
    r"^(?:can|could|do|should|will|would) i\b(?=.*\b(?:my|me|the|a|an|any|your|them|those|"
    r"these|some) (?!(?:one|ones|it|same|again|now|back|too|then|there|here|anymore|today|"
    r"please)\b)[a-z]{2,})",
    re.I,
)
#: What may stand before a question without making it any less its own: a joining word ("Also,
#: is there ...") or a condition ("if I change pounds into euros on Saturday, is there any
#: extra charge?").
_LEAD_IN = re.compile(
    r"^(?:(?:also|and|plus|oh|btw|ps|one more thing|another thing|while i'?m here)\b[,:]?\s+)*"
    r"(?:(?:if|once|say|suppose)\b[^,?]{3,100},\s*)?",
    re.I,
)


def _own_question(piece: str) -> bool:
    """Whether the piece opens as a question of its own, after any lead-in."""
    return _OWN_QUESTION.match(_LEAD_IN.sub("", piece, count=1)) is not None


#: "Two things.", "couple of questions:": the message says it holds several requests, and the
#: announcement is none of them.
_ANNOUNCEMENT = re.compile(
    r"^(?:(?:i\s+)?(?:have|got|'ve got|ve got)\s+)?(?:two|2|three|3|a couple of|couple of|"
    r"couple|a few|few)\s+(?:quick\s+)?(?:things|questions|qs|issues|problems|bits|requests)"
    r"[\s.:!-]*$",
    re.I,
)


def _asks(piece: str) -> bool:
    """A question of its own: it opens as one, or ends with a question mark ("the £80 I sent
    Eilidh didn't go, why's that?")."""
    return _own_question(piece) or piece.rstrip().endswith("?")


# "if a company ever takes the wrong amount by direct debit, how do I claim it back?": a
# question about what would happen, not a problem the customer has; the help centre answers it
# and no record of theirs is looked up or changed. ("did u ever sort out nandos taking me twice"
# asks about something that happened.)
_IN_GENERAL = re.compile(
    r"\bif (?:[\w']+ ){0,6}ever\b|\b(?:in (?:the )?future|next time|hypothetically|"
    r"in general|generally|what happens if|what would happen if)\b",
    re.I,
)


def asks_in_general(text: str) -> bool:
    """Whether the message asks how something works in general, and asks us to do nothing."""
    return _IN_GENERAL.search(text) is not None and _asks(text) and not asks_us_to_act(text)


@runtime_checkable
class _Batched(Protocol):
    def classify_many(self, texts: list[str]) -> list[IntentPrediction]: ...


def clauses(text: str) -> list[str]:
    """The message cut where a request may end; pieces too short to be a request are kept
    with the piece before them."""
    pieces = [p.strip(" ,;") for p in _CUT.split(text)]
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out and not _stands_alone(piece):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _stands_alone(piece: str) -> bool:
    return len(_WORD.findall(piece.lower())) >= _MIN_WORDS and not refers_back(piece)


def refers_back(text: str) -> bool:
    """Whether the text points back at something named before it ("cancel it", "send another
    one", "he's lost it") rather than naming its own subject, and asks no question of its own.

    A question is its own when it names something besides the pronoun ("how do i put it on
    apple pay"); "how do i send it" after "you need proof of where the money came from" names
    nothing but its verb, so it asks about what came before.
    """
    if _POINTS_BACK.match(text):
        return True
    if not _REFERS_BACK.search(_IDIOM_IT.sub("", text)):
        return False
    return not _own_question(text) or len(_content_words(text)) <= _BARE_QUESTION_WORDS


#: A question with at most this many words of its own beyond the question, the pronoun and the
#: helpers ("how do i send it": "send") asks about what was named before it.
_BARE_QUESTION_WORDS = 1
_FUNCTION_WORDS = frozenset(
    "what whats what's wat where wheres where's when why how hw which who do does did doing i "
    "im i'm ive i've can could would should will shall is are was were be been it its it's one "
    "them they that this the a an to my me you u ur your we our of on in for with at by from "
    "about so then just please pls plz get got".split()
)


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _FUNCTION_WORDS]


async def classify_all(classifier: IntentClassifier, texts: list[str]) -> list[IntentPrediction]:
    """Each text's prediction (its direction steered: ``understanding.direction``); a classifier
    that can takes them in one call (one encode)."""
    if isinstance(classifier, _Batched):
        found = await asyncio.to_thread(classifier.classify_many, texts)
    else:
        found = list(await asyncio.gather(*(classifier.classify(t) for t in texts)))
    return [steer(prediction, text) for prediction, text in zip(found, texts, strict=True)]


def actionable(prediction: IntentPrediction, policies: Policies) -> bool:
    runner_up = prediction.alternatives[0].score if prediction.alternatives else 0.0
    return (
        prediction.confidence >= SURE
        and prediction.confidence - runner_up >= MARGIN
        and policies.intent(prediction.intent).handling in ("procedure", "answer")
    )


#: Procedures whose intents each ask about a different record (a declined payment and a pending
#: one, a failed transfer and a sent one): two of their intents in one message are two records,
#: so two requests. Each request's procedure reads only its own clause, so each finds its own.
RECORD_PER_INTENT = frozenset({"card_payment_status", "transfer_status"})


def _top_two(prediction: IntentPrediction) -> list[str]:
    """The clause's reading and its runner-up, when the runner-up is a real contender: "how do
    i change my pin" (change_pin 1.00, pin_blocked 0.00) after a blocked PIN is another
    request, not the same problem by a reading nobody gave it."""
    contenders = [a.intent for a in prediction.alternatives[:1] if a.score >= MARGIN]
    return [prediction.intent, *contenders]


def _one_of_two(prediction: IntentPrediction, policies: Policies) -> bool:
    """Whether the clause is surely one of two problems we handle, though not which.

    "How much cash can i get out of a machine in one day" is a cash withdrawal's fee 0.49 or
    the cash machine's 0.43: a question of its own all the same, so a request, which its own
    turn answers from the help centre or asks about (``nodes.decide``), never dropped.
    """
    runner_up = prediction.alternatives[0] if prediction.alternatives else None
    return (
        runner_up is not None
        and prediction.confidence + runner_up.score >= PAIR
        and all(
            policies.intent(i).handling in ("procedure", "answer")
            for i in (prediction.intent, runner_up.intent)
        )
    )


def same_problem(known: str, intent: str, policies: Policies) -> bool:
    """Two intents one procedure deals with (a lost and a stolen card, a late card and its
    delivery date) are one request; unless the procedure picks a different record for each
    ("why did bet365 decline me, and why is primark pending?")."""
    if known == intent:
        return True
    a, b = policies.intent(known), policies.intent(intent)
    return (
        a.handling == "procedure"
        and a.procedure == b.procedure
        and a.procedure not in RECORD_PER_INTENT
    )


def group(
    pieces: Sequence[str], predictions: Sequence[IntentPrediction], policies: Policies
) -> list[Request]:
    """The requests among classified clauses, in the order the customer made them."""
    texts: list[list[str]] = []
    anchors: list[IntentPrediction | None] = []
    for piece, prediction in zip(pieces, predictions, strict=True):
        sure = actionable(prediction, policies)
        if not texts:
            # "The £80 I sent Eilidh didn't go, why's that?": a failed or an undelivered
            # transfer (0.47 / 0.41), surely one of the two, so a request of its own. (A later
            # question that only ends with "?" is often about what came before: "I used up my
            # free £200 ... does the allowance start again then?")
            pair = _asks(piece) and _one_of_two(prediction, policies)
            texts.append([piece])
            anchors.append(prediction if sure or pair else None)
            continue
        known = [a for a in anchors if a is not None]
        question = _own_question(piece)
        if (
            (
                (sure and (prediction.confidence >= SECOND or question))
                or (question and _one_of_two(prediction, policies))
            )
            and known
            and not any(
                same_problem(a.intent, candidate, policies)
                for a in known
                for candidate in _top_two(prediction)
            )
        ):
            texts.append([piece])
            anchors.append(prediction)
            continue
        texts[-1].append(piece)
        if anchors[-1] is None and sure:
            anchors[-1] = prediction
    return [
        Request(text=" ".join(words), prediction=anchor)
        for words, anchor in zip(texts, anchors, strict=True)
        if anchor is not None
    ]


async def find_requests(
    text: str,
    classifier: IntentClassifier,
    policies: Policies,
    whole: IntentPrediction | None = None,
    *,
    misuse: bool = False,
) -> list[Request]:
    """The separate requests in ``text``, in order; an empty list when it holds only one,
    unless that one comes with a greeting or thanks, which is then left out of it, or the
    message read whole (``whole``) is unsure while that one request is sure. ``misuse``: the
    message was heard to say a lost card was already spent on (``understanding.misuse``)."""
    pieces = [p for p in clauses(text) if not _ANNOUNCEMENT.match(p)]
    if not 2 <= len(pieces) <= MOST_CLAUSES:
        return []
    if misuse or reports_card_misuse(text):
        # Misuse of a card told with its loss is one problem: the lost-card procedure freezes
        # the card, then hands the payments to the fraud team. Read whole, the spending can
        # dilute the loss into a clarifying question ("bag got nicked ... 2 uber rides i never
        # took"); a clause surely about the lost card then names that one problem.
        if whole is None or whole.confidence >= SURE:
            return []
        lost = [
            p
            for p in await classify_all(classifier, pieces)
            if p.confidence >= SECOND and policies.intent(p.intent).procedure == "lost_card"
        ]
        return [Request(text=text, prediction=lost[0])] if lost else []
    predictions = await classify_all(classifier, pieces)
    found = group(pieces, predictions, policies)
    if len(found) >= 2 and whole is not None and whole.confidence >= WHOLE_SURE:
        # "tried paying for my big shop at waitrose and the card just got rejected": read whole,
        # surely a declined payment (0.98); the opening clause alone leans (0.51) to another
        # problem. A clause no surer than that is part of the sure request, not one of its own.
        found = [
            r
            for r in found
            if r.prediction.intent == whole.intent
            or r.prediction.confidence >= SECOND
            or _asks(r.text)  # "is there a daily cap ...?", "didn't go, why's that?" ask anew
        ]
        if len(found) < 2:
            return []
    if len(found) >= 2:
        return found
    # "thx for the help earlier. also my payment didnt go, why?": one request behind a
    # greeting or thanks. Read whole, the courtesy dilutes it (failed_transfer 0.36, so a
    # clarifying question); the request's own clause is sure (0.74), so it is the request.
    courtesy = [_courteous(p, policies) for p in predictions]
    if len(found) == 1 and any(courtesy) and not all(courtesy):
        rest = [piece for piece, polite in zip(pieces, courtesy, strict=True) if not polite]
        return [Request(text=" ".join(rest), prediction=found[0].prediction)]
    # "cancel the octopus dd, switching supplier. also do u charge anything ... in turkey": one
    # clause is surely a request (0.99) and the other unsure (0.48). Read whole, the unsure
    # part dilutes the request into a clarifying question (0.20); the request is plain.
    if (
        len(found) == 1
        and whole is not None
        and whole.confidence < SURE
        and found[0].prediction.confidence >= SECOND
    ):
        return found
    return []


def _courteous(prediction: IntentPrediction, policies: Policies) -> bool:
    """A clause that is surely only a greeting or thanks (small talk that is not off-topic)."""
    return (
        prediction.confidence >= SURE
        and prediction.intent != "out_of_scope"
        and policies.intent(prediction.intent).handling == "smalltalk"
    )
