"""Signs that an answer games the grader instead of answering. Each is a pure function of text (and, for
the ones that need meaning, of similarities the grader computed), so each can be tested on its own."""

import re


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

# Verbs that nearly every explaining sentence uses; a list of terms has none of them.
VERBS = _set(
    """is are was were be been am has have had do does did can could will would should may might must means
    mean makes make uses use gives give takes take stores store returns return runs run lets let keeps keep
    allows allow needs need gets get goes go works work"""
)

NEGATIONS = _set(
    "not no never none nothing neither nor cannot can't don't doesn't didn't isn't aren't wasn't weren't "
    "won't wouldn't shouldn't couldn't hasn't haven't hadn't"
)

# Words that turn a claim into its opposite when one replaces the other: each side of a pair is a group.
OPPOSITES: tuple[tuple[str, str], ...] = (
    ("first", "last"),
    ("before", "after"),
    ("fast faster quicker quickly speeds", "slow slower slows slowly"),
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
    ("keep keeps kept retain retains", "discard discards discarded"),
    ("parent parents superclass", "child children subclass"),
    ("client clients", "server servers"),
    ("sender", "receiver"),
    ("input inputs", "output outputs"),
    ("head", "tail"),
    ("ascending", "descending"),
    ("synchronous synchronously", "asynchronous asynchronously"),
    ("allows allow allowing lets permits enables", "prevents prevent preventing forbids disables stops"),
    ("strong strongly", "weak weakly"),
)
# Prefixes that make a word its own opposite ("sorted" / "unsorted", "mutable" / "immutable").
NEGATING_PREFIXES = ("un", "non", "dis")
_SIDE: dict[str, tuple[tuple[int, int], ...]] = {}  # word -> (pair, side) for each pair it belongs to
for _pair, _sides_of in enumerate(OPPOSITES):
    for _side, _group in enumerate(_sides_of):
        for _word in _group.split():
            _SIDE[_word] = (*_SIDE.get(_word, ()), (_pair, _side))


# Text that speaks to whoever grades instead of answering: instructions, requested scores, role tags. A word
# for the grader counts only when it is spoken to ("Grader:", "Dear evaluator", "grader, please ...") or asked
# for a score: "an evaluator model checks each claim" and "the marker bit is set" are answers.
_GRADER = (
    r"(?:grader|evaluator|examiner|marker|assessor|scorer|reviewer\s+bot|ai\s+(?:grader|model)"
    r"|grading\s+(?:model|assistant|system|engine|ai|bot)|scoring\s+(?:model|engine|system|ai|bot))"
)
_ASKED = (
    r"(?:give|award|assign|grant|deserves?|worth|rate|score|mark|grade|emit|output|return|set|print|respond"
    r"|accept)"
)
_SCORE = (
    r"(?:\d+(?:\.\d+)?\s*/\s*\d+|\b\d+\s+out\s+of\s+\d+|\bfull\s+(?:marks|points|score|credit)"
    r"|\b(?:maximum|perfect|top|highest|max)\s+(?:score|grade|marks?|points|credit|rating))"
)
_NUMBER = r"\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten|hundred"
_TO_GRADER = re.compile(
    rf"""
    \b(ignore|disregard|forget|override|bypass|skip)\b[^.!?\n]{{0,40}}
        \b(rubric|instructions?|prompt|criteria|rules|above|previous|grading|evaluation|reference)\b
    | \b{_GRADER}\b\s*[:,!\]]
    | \b{_GRADER}[._]\w+
    | \b{_GRADER}\s+(instructions?|note|notes|policy|override|message)\b
    | \b(dear|hey|hello|hi|attention|to|for|note\s+to|message\s+to|reminder\s+for)\s+
        (the\s+|an?\s+|any\s+)?(automated\s+|ai\s+)?{_GRADER}\b
    | \b(ai|model|whoever|whatever|anyone|someone|system)\s+(is\s+)?
        (scoring|grading|evaluating|marking)\s+(this|these|the|my)\b
    | \b{_GRADER}\b[^.!?\n]{{0,60}}\b(please|must|should|kindly)\b
    | \b{_GRADER}\b[^.!?\n]{{0,60}}\b{_ASKED}\b[^.!?\n]{{0,30}}\b(score|grade|marks?|points|credit)\b
    | \bif\s+you\s+are\s+an?\s+(ai|language\s+model|model|assistant|grader)
    | \byou\s+are\s+an?\s+(ai|assistant|language\s+model)\b
    | \b{_ASKED}\b[^.!?\n]{{0,30}}{_SCORE}
    | \b{_ASKED}\s+(with\s+)?(a\s+)?(score|grade|mark)\s*(of\s+|=\s*|:\s*)?\d
    | {_SCORE}[^.!?\n]{{0,20}}\b(for|to)\s+(this|me|my|the)\s+(answer|response|entry|item)\b
    | \b(score|grade|rating|mark)\s*[:=]\s*\d+\s*(/|out\s+of)
    | (?-i:\b(SYSTEM|ASSISTANT|DEVELOPER|INSTRUCTIONS?)(\s+[A-Z]+)?\s*[:>])
    | \[\s*(system|inst|/inst)\s*\]|<\|?\s*/?\s*(system|instructions?|grader_instructions)\s*\|?>
    | \[\[\s*instruction
    | \b(whoever|whatever|anyone|someone)\b[^.!?\n]{{0,20}}
        \b(marks?|grades?|scores?|evaluates?|reads?|reviews?)\s+(this|these|my)\b
    | \b(dear|hey|hello|attention)\s+(the\s+)?(ai|model|llm|bot)\b
    | \b(ai|model|llm|bot)\s+(reading|checking|reviewing)\s+(this|these|my)\b
    | \b(rubric|grading|evaluation|marking\s+scheme)\b[^.!?\n]{{0,30}}
        \b(no\s+longer|does\s+not|doesn't|has\s+changed|was\s+updated|is\s+outdated)
    | \b(treat|mark|consider|count|accept)\s+(this|it|my\s+answer|the\s+answer)\s+as\s+
        (an?\s+)?(perfect|correct|complete|full|excellent)
    | \b({_NUMBER})\s+out\s+of\s+({_NUMBER})\b
    | \b(score|grade|mark|rating)s?\s+(for|of|on)\s+(this|my)\s+(answer|response|entry)\s+(is|should\s+be|=|must\s+be)
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
    # Short phrases strung together count too ("bigger machine, more machines, single point of failure"),
    # unless a verb relates them.
    lengths = sorted(len(i.split()) for i in items)
    phrases = len(items) >= 5 and lengths[len(lengths) // 2] <= 3 and not any(t in VERBS for t in tokens)
    return grammar < 0.1 or ((listy or phrases) and grammar < 0.2)


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


NEGATIONS = NEGATIONS | _set("nobody nowhere isnt arent wasnt dont doesnt didnt cant wont shouldnt couldnt")

# Sentences that deny the claim they carry ("it is false that X", "it is wrong to say X"): read as "not X".
_DENIAL = re.compile(
    r"""\b(?:it\s+is|it's|that\s+is|that's)\s+(?:false|untrue|incorrect|wrong|a\s+myth|a\s+misconception
        |not\s+(?:true|correct|the\s+case))\s+(?:to\s+(?:say|think|claim)\s+)?(?:that\s+)?
    | \b(?:wrong|incorrect|false)\s+to\s+(?:say|think|claim)\s+(?:that\s+)?
    | \bno\s+longer\b""",
    re.IGNORECASE | re.VERBOSE,
)
# A correction the sentence brushes aside ("stores the value, not its address"; "uses a stack rather than a
# queue"; "DFS, not BFS, finds"): what the sentence asserts is the rest, so the aside is dropped.
_ASIDE = re.compile(
    r",\s*not\s+[^,;:.!?]*(?:,|(?=[;:.!?]|$))|\s+(?:rather\s+than|instead\s+of)\s+[^,;:.!?]*", re.IGNORECASE
)
_CARRIED = re.compile(r"^\[([^\]]*)\]\s*")
# "and" joins two clauses when a new subject follows it; before a verb or a noun it joins parts of one claim.
_CLAUSE_START = _set(
    "the a an it its they their this these those each every all any some we you he she one there"
)


NEGATION_SCOPE = 5  # words after a negation that it denies ("does not guarantee delivery")
DETERMINER_SCOPE = 2  # "no return type"
NEGATING_DETERMINERS = _set("no none nothing nobody nowhere")
CONJUNCTIONS = _set("and or but while whereas")
SWAP_SHARED = 0.5  # share of terms two clauses need for one's subject to stand in the other's place


def _negated(tokens: list[str], terms: set[str]) -> int:
    """Polarity of what a clause says of `terms`: the negations with one of them in their scope, so "has the
    same name as the class and no return type" does not deny the name. A term also said outside every
    negation is asserted: "no single server is overloaded and skips servers" does not deny servers."""
    scopes = {at: _scope(tokens, at) for at, t in enumerate(tokens) if t in NEGATIONS}
    covered = {i for at, width in scopes.items() for i in range(at + 1, at + 1 + width)}
    asserted = {t for i, t in enumerate(tokens) if i not in covered and i not in scopes}
    return (
        sum(
            bool(terms & {tokens[i] for i in range(at + 1, at + 1 + width)} - asserted)
            for at, width in scopes.items()
        )
        % 2
    )


def _scope(tokens: list[str], at: int) -> int:
    """How many words the negation at `at` denies: up to NEGATION_SCOPE, not past a conjunction; "no" and its
    kin deny only the noun they come before ("no labels and looks for structure" denies the labels)."""
    width = DETERMINER_SCOPE if tokens[at] in NEGATING_DETERMINERS else NEGATION_SCOPE
    for n, t in enumerate(tokens[at + 1 : at + 1 + width]):
        if t in CONJUNCTIONS:
            return n
    return min(width, len(tokens) - at - 1)


# A claim taken back at its end ("X, not really."; "X, not true."): it says "not X".
_RETRACTED = re.compile(
    r"^(?P<claim>.+?),?\s+(?:not\s+(?:really|true|so|quite|correct|at\s+all)|just\s+kidding)\s*[.!?]*$",
    re.IGNORECASE,
)


def _plain(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _RETRACTED.sub(r"not \g<claim>", text.strip())
    return re.sub(r"\s+(?=[,;:.!?])", "", re.sub(r"\s{2,}", " ", _ASIDE.sub(" ", text))).strip()


def clauses(text: str, subjects: frozenset[str] = frozenset()) -> list[str]:
    """Sentences cut at the joints where comparisons turn: "lists change, tuples do not" is two claims.
    Asides are dropped first ("X, not Y"; "X rather than Y"; parentheses), and denials read as negations
    ("it is false that X" is "not X"). A clause that names none of the question's `subjects` speaks of the
    one named before it in its sentence ("TCP: reliable, ordered" says "reliable" of TCP): it carries that
    subject in front, in square brackets."""
    text = _DENIAL.sub("not ", _plain(text))
    parts = re.split(
        r"[,;:]\s+|\s+(?:but|while|whereas|although|however|so|because|since)\s+|\s+and\s+(?=(\S+))",
        text,
        flags=re.IGNORECASE,
    )
    out: list[str] = []
    carried: list[str] = []
    pieces = parts[0::2]
    following = [None, *parts[1::2]]
    merged: list[str] = []
    for piece, after in zip(pieces, following, strict=True):
        if piece is None:
            continue
        # an "and" not followed by a new subject did not end the clause: put it back
        if after is not None and merged and after.lower().strip(".,;:!?") not in _CLAUSE_START | subjects:
            merged[-1] = f"{merged[-1]} and {piece}"
        else:
            merged.append(piece)
    for part in merged:
        part = part.strip()
        named = [w for w in words(part) if w in subjects]
        if named:
            carried = named
        if len(words(part)) < 2:
            continue
        out.append(part if named or not carried else f"[{' '.join(dict.fromkeys(carried))}] {part}")
    return out


def bare(clause: str) -> str:
    """A clause from `clauses` without the subject it carries."""
    return _CARRIED.sub("", clause)


def _carried(text: str) -> set[str]:
    found = _CARRIED.match(text)
    return {stem(w) for w in found.group(1).split()} if found else set()


def stem(word: str) -> str:
    """Coarse: enough for "connections" to meet "connected" and "threads" to meet "thread"."""
    for suffix in ("ations", "ation", "ions", "ion", "ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _tokens(text: str) -> list[str]:
    return [w[:-2] if w.endswith("'s") else w for w in words(text)]


def _sides(tokens: list[str]) -> dict[int, dict[int, list[int]]]:
    """For each pair of OPPOSITES the text uses: its side (0 or 1) -> positions of the words."""
    found: dict[int, dict[int, list[int]]] = {}
    for at, token in enumerate(tokens):
        for pair, side in _SIDE.get(token, ()):
            found.setdefault(pair, {}).setdefault(side, []).append(at)
    return found


def _near(tokens: list[str], at: int) -> set[str]:
    """The two content words either side of a word: what it is said of."""
    before = [stem(t) for t in tokens[:at] if t not in FUNCTION_WORDS and t not in NEGATIONS][-2:]
    after = [stem(t) for t in tokens[at + 1 :] if t not in FUNCTION_WORDS and t not in NEGATIONS][:2]
    return set(before + after)


def _apart(sides: dict[int, list[int]]) -> bool:
    """One side's words all come before the other's: the order of the two is plain."""
    return max(sides[0]) < min(sides[1]) or max(sides[1]) < min(sides[0])


def _turned(claim: list[str], reply: list[str]) -> list[str]:
    """The opposites `reply` puts in the place of `claim`'s words, one entry per pair turned."""
    claim_sides, reply_sides = _sides(claim), _sides(reply)
    turned = []
    for pair in claim_sides.keys() & reply_sides.keys():
        mine, theirs = claim_sides[pair], reply_sides[pair]
        if len(mine) == 1 and len(theirs) == 1:
            side = next(iter(theirs))
            if side in mine or not _near(reply, theirs[side][0]) & _near(claim, mine[1 - side][0]):
                continue  # the same word, or the opposite said of something else ("private data", "public methods")
        elif len(mine) == 2 and len(theirs) == 2 and _apart(mine) and _apart(theirs):
            # both say both: turned when the order is ("the parent acquires the child's" for the reverse)
            if (mine[0][0] < mine[1][0]) == (theirs[0][0] < theirs[1][0]):
                continue
            between = [
                reply[min(theirs[0][0], theirs[1][0]) : max(theirs[0][0], theirs[1][0])],
                claim[min(mine[0][0], mine[1][0]) : max(mine[0][0], mine[1][0])],
            ]
            if ("by" in between[0]) != ("by" in between[1]):
                continue  # the passive voice reverses the order and keeps the claim
            side = 0
        else:
            continue  # one says both ("private fields, public methods"), the other one: no telling
        word, claim_word = reply[theirs[side][0]], claim[mine[1 - side][0]]
        # "max-heap ... largest" turned "min-heap ... smallest" twice: once per word
        turned += [f"{word} (not {claim_word})"] * min(len(theirs[side]), len(mine[1 - side]))
    claim_set, reply_set = set(claim), set(reply)
    claim_only, reply_only = claim_set - reply_set, reply_set - claim_set
    for word in claim_only | reply_only:
        for prefix in NEGATING_PREFIXES:
            base = word[len(prefix) :]
            other = reply_only if word in claim_only else claim_only
            if (
                word.startswith(prefix)
                and len(base) >= 4
                and base in other
                and not (_SIDE.get(word) and _SIDE.get(base))
            ):
                turned.append(f"{word} (not {base})" if word in reply_only else f"{base} (not {word})")
    return turned


def contradicts(
    claim: str, reply: str, subjects: frozenset[str] = frozenset(), negation: bool = True
) -> str | None:
    """What turns `claim` around in `reply`, for two clauses that make the same statement in mostly the same
    words; None when they agree or speak of other things. Each turn flips the statement: a negation, an
    opposite put in a word's place (or two opposites trading places), one of the question's `subjects` put
    in another's place. Two flips cancel ("a min-heap's parent is smaller" is "a max-heap's is greater";
    "UDP does not guarantee delivery" agrees with "TCP guarantees delivery"), so the reply contradicts the
    claim when the flips are odd in number. `negation=False` means a difference in negation cannot be
    weighed (it only holds between a clause and the claim closest to it: paraphrases negate freely
    elsewhere): then no verdict is given when the negations differ."""
    claim, reply = (_DENIAL.sub("not ", _plain(text)) for text in (claim, reply))
    claim_carried, reply_carried = _carried(claim), _carried(reply)
    claim_words, reply_words = _tokens(_CARRIED.sub("", claim)), _tokens(_CARRIED.sub("", reply))
    claim_stems = [w if w in FUNCTION_WORDS or w in NEGATIONS else stem(w) for w in claim_words]
    reply_stems = [w if w in FUNCTION_WORDS or w in NEGATIONS else stem(w) for w in reply_words]
    subjects = frozenset(stem(w) for w in subjects)
    claim_terms = {w for w in claim_stems if w not in FUNCTION_WORDS and w not in NEGATIONS}
    reply_terms = {w for w in reply_stems if w not in FUNCTION_WORDS and w not in NEGATIONS}
    if len(claim_terms) < 2 or len(reply_terms) < 2:
        return None  # "UDP doesn't.": too little said to compare
    shared = len(claim_terms & reply_terms) / min(len(claim_terms), len(reply_terms))
    if shared < 0.4:
        return None
    flips: list[str] = []
    common = claim_terms & reply_terms
    if _negated(claim_stems, common) != _negated(reply_stems, common):
        if not negation or shared < 0.6:
            return None
        flips.append(next((t for t in reply_words + claim_words if t in NEGATIONS), "not"))
    turned = _turned(claim_words, reply_words)
    flips += turned
    # "TCP is reliable" answered "UDP is reliable": the same claim about the other subject
    claim_of = {w for w in claim_stems if w in subjects} or claim_carried
    reply_of = {w for w in reply_stems if w in subjects} or reply_carried
    said_of, said_in_reply = claim_of - reply_of, reply_of - claim_of
    if said_of and said_in_reply:
        if (
            len(said_of) > 1
            or len(said_in_reply) > 1
            or claim_of is claim_carried
            or reply_of is reply_carried
        ):
            return None  # of other things, not of one put in another's place
        if shared < SWAP_SHARED:
            return None  # "The scope of a variable is..." and "A global variable is...": not the same claim
        swap = f"{next(iter(said_in_reply))} (not {next(iter(said_of))})"
        # "a compiler executes it line by line": the opposite and the subject are one turn, counted once
        if not any(t.split()[0] in reply_words and stem(t.split()[0]) in said_in_reply for t in turned):
            flips.append(swap)
    return flips[0] if len(flips) % 2 else None
