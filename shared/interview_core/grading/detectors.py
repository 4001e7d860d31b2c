"""Signs that an answer games the grader instead of answering. Each is a pure function of text (and, for
the ones that need meaning, of similarities the grader computed), so each can be tested on its own."""

import re
from collections.abc import Iterable


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[=!<>]=?=?")  # operators too: "=" and "==" are subjects

# Words that carry grammar, not content: prose has many, a list of terms has almost none.
FUNCTION_WORDS = _set(
    """a an the is are was were be been being am of to in on at by for from with as into onto over under
    about after before between through during and or but so because if then than that which who whom whose
    this these those it its they them their there here we you he she his her our your i me my not no nor
    can could will would shall should may might must do does did has have had when where while how why what
    each every all any some such only also very just more most less least one both either neither same
    other another up down out off again once"""
)

NEGATIONS = _set(
    "not no never none nothing neither nor cannot can't don't doesn't didn't isn't aren't wasn't weren't "
    "won't wouldn't shouldn't couldn't hasn't haven't hadn't"
)

# Words that turn a claim into its opposite when one replaces the other: each side of a pair is a group.
OPPOSITES: tuple[tuple[str, str], ...] = (
    ("first", "last"),
    ("before", "after"),
    ("fast faster quicker quickly speeds speed up", "slow slower slows slowly"),
    (
        "increase increases increasing raises more higher larger greater bigger",
        "reduce reduces reducing decrease decreases decreasing lowers less fewer lower smaller",
    ),
    ("true", "false"),
    ("always", "never"),
    ("minimum min smallest", "maximum max largest"),
    ("start starts begin begins beginning", "end ends finish finishes"),
    ("top", "bottom"),
    ("front", "back rear"),
    ("sorted ordered", "unsorted unordered"),
    ("contiguous adjacent", "scattered"),
    ("constant", "linear"),
    ("shared", "separate"),
    ("reliable", "unreliable"),
    ("static", "dynamic"),
    ("public exposed exposing", "private hidden hiding"),
    ("inside", "outside"),
    ("same", "different"),
    ("allowed", "forbidden"),
    ("unique", "duplicate duplicates"),
    ("manual manually", "automated automatic automatically"),
    ("merge merges merging combine", "split splits splitting divide divides"),
    ("mutable", "immutable"),
    ("connectionless", "connection"),
    ("compiled compiles compiler", "interpreted interprets interpreter"),
    ("local", "global"),
    ("add adds added insert inserts", "remove removes removed delete deletes"),
    ("push", "pop"),
    ("created creates construct", "destroyed destroys"),
    ("copy", "original"),
    ("value", "address"),
    ("instance", "blueprint template"),
    ("includes include", "ignores ignore drops"),
    ("exact", "approximate bound"),
    ("upper", "lower"),
)
_OPPOSITE: dict[str, frozenset[str]] = {}
for _left, _right in OPPOSITES:
    for _side, _other in ((_left, _right), (_right, _left)):
        for _word in _side.split():
            _OPPOSITE[_word] = _OPPOSITE.get(_word, frozenset()) | frozenset(_other.split())


# Text that speaks to whoever grades instead of answering: instructions, requested scores, role tags.
_TO_GRADER = re.compile(
    r"""
    \b(ignore|disregard|forget|override|bypass|skip)\b[^.!?\n]{0,40}
        \b(rubric|instructions?|prompt|criteria|rules|above|previous|grading|evaluation)\b
    | \b(grader|evaluator|examiner|marker|assessor|scorer)\b
    | \b(grading|scoring|marking)\s+(model|system|ai|bot|engine)\b
    | \byou\s+are\s+an?\s+(ai|assistant|language\s+model)\b
    | \b(give|award|assign|grant|deserves?|rate|score|mark|grade|emit|output|return|set|put)\b[^.!?\n]{0,30}
        (\d+\s*/\s*\d+|\b\d+\s*(out\s+of|of)\s*\d+|\bfull\s+(marks|points|score)|\bmaximum|\bperfect
         |\btop\s+marks|\bhighest)
    | \b(score|grade|rating|mark)\s*[:=]\s*\d+
    | ^\s*(system|assistant|developer|instruction)s?\s*[:>]
    | \[\s*(system|inst|/inst)\s*\]|<\s*/?\s*(system|instructions?)\s*>
    """,
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?;])\s+|\n+", text) if s.strip()]


def grader_addressed(text: str) -> tuple[str, list[str]]:
    """The answer without the sentences addressed to the grader, and those sentences."""
    kept: list[str] = []
    dropped: list[str] = []
    for sentence in sentences(text):
        (dropped if _TO_GRADER.search(sentence) else kept).append(sentence)
    return " ".join(kept), dropped


def keyword_list(text: str) -> bool:
    """Terms strung together with no sentence: several words, nearly no grammar."""
    tokens = [t for t in (w.strip(".,;:!?()[]\"'").lower() for w in text.split()) if t]
    if len(tokens) < 5:
        return False  # "LIFO", "The main function.": too short to tell, and often simply right
    grammar = sum(t in FUNCTION_WORDS for t in tokens) / len(tokens)
    items = [i for i in re.split(r"[,;|\n\u2022]+|^\s*[-*]\s+", text, flags=re.MULTILINE) if i.strip()]
    listy = len(items) >= 4 and sum(len(i.split()) for i in items) / len(items) <= 2
    return grammar < 0.1 or (listy and grammar < 0.2)


# Words that say nothing about the subject: an answer made of the question's terms and these restates it.
VAGUE = _set(
    """thing things something anything way ways used use using uses work works working worked call called
    calls name named concept idea means mean meaning part kind type sort basically simply just really
    actually describe describes described term word stuff like related refers refer data structure
    structures perform performs doing done property being place situation"""
)


def _roots(text: str) -> set[str]:
    """Four-letter roots of the content words: coarse on purpose, so "recursive" meets "recursion"."""
    return {w[:4] for w in words(text) if w not in FUNCTION_WORDS and w not in VAGUE and len(w) > 1}


def restates(question: str, answer: str, reference: str = "") -> bool:
    """The answer's content words are the question's own: it names the subject and says nothing of it."""
    said = _roots(answer)
    if not said:
        return bool(words(answer))
    new = said - _roots(question)
    return len(new) <= max(1, len(said) // 4) and not new & _roots(reference)


def polarity(tokens: Iterable[str]) -> int:
    return sum(t in NEGATIONS for t in tokens) % 2


def clauses(text: str) -> list[str]:
    """Sentences cut at the joints where comparisons turn: "lists change, tuples do not" is two claims."""
    parts = re.split(
        r"[,;:]\s+|\s+(?:but|while|whereas|although|however|and|so)\s+", text, flags=re.IGNORECASE
    )
    return [p.strip() for p in parts if len(words(p)) >= 2]


def contradicts(
    claim: str, reply: str, subjects: frozenset[str] = frozenset(), negation: bool = True
) -> str | None:
    """The word that turns `claim` around in `reply` (a negation, an opposite, or one of the question's
    `subjects` put in another's place), for two clauses that make the same statement in mostly the same
    words; None when they agree or speak of other things. `negation=False` skips the negation test, which
    only holds between a clause and the claim closest to it (paraphrases negate freely elsewhere)."""
    claim_words, reply_words = words(claim), words(reply)
    claim_terms = {w for w in claim_words if w not in FUNCTION_WORDS and w not in NEGATIONS}
    reply_terms = {w for w in reply_words if w not in FUNCTION_WORDS and w not in NEGATIONS}
    if len(claim_terms) < 2 or len(reply_terms) < 2:
        return None  # "UDP doesn't.": too little said to compare
    shared = len(claim_terms & reply_terms) / min(len(claim_terms), len(reply_terms))
    if negation and polarity(claim_words) != polarity(reply_words) and shared >= 0.6:
        return next((t for t in reply_words + claim_words if t in NEGATIONS), "not")
    claim_set, reply_set = set(claim_words), set(reply_words)
    if shared < 0.4:
        return None
    for word in claim_set - reply_set:
        if turned := (_OPPOSITE.get(word, frozenset()) & reply_set) - claim_set:
            return f"{min(turned)} (not {word})"
    # "TCP is reliable" answered "UDP is reliable": the same claim about the other subject
    said_of, said_in_reply = claim_set & subjects, reply_set & subjects
    if len(said_of) == 1 and len(said_in_reply) == 1 and said_of != said_in_reply:
        return f"{next(iter(said_in_reply))} (not {next(iter(said_of))})"
    return None
