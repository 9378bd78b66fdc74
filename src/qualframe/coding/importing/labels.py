"""What a speaker label's words say: interviewer and participant roles in several languages,
metadata keys, question numbers, annotations, and whether a label is a short code (``M1``)
or one of a numbered series.

These are pieces of evidence for :mod:`speakers`, never the whole decision: a label is
accepted because it recurs, is short and consistent in form, or shares the form of the
document's other labels; the words below only name roles (an interviewer who speaks once is
still the interviewer) and veto what is never a speaker (``Fecha:``, ``Pregunta 1:``).

The tests are pure functions of a label's text and are cached: a study's transcripts use the
same few labels, and 300 files asked them 4,000 times.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Interviewer words (case-insensitive, also numbered: "Interviewer 2", "Interviewer1",
# "Moderator B"); gender forms such as "Interviewer/in", "Moderador(a)" are folded first.
INTERVIEWER_WORDS = _words(
    """
    i q int mod moderator moderatorin moderatoren interviewer interviewerin interviewende
    interviewender facilitator co-facilitator researcher forscher forscherin moderador
    moderadora entrevistador entrevistadora facilitador facilitadora investigador
    investigadora intervieweur intervieweuse interviewer animateur animatrice modérateur
    modératrice enquêteur enquêtrice chercheur chercheuse gespreksleider interviewster
    onderzoeker kérdező riporter moderátor interjúkészítő kutató 진행자 면담자 인터뷰어 사회자 질문자 연구자
    조사자 면접자 司会 インタビュアー 聞き手
    """
)
# Participant words: a label made of one of these (and a number) is a speaker even if it
# speaks once ("Participant 3", "Teilnehmer 2", "참여자1", "Speaker 1").
PARTICIPANT_WORDS = _words(
    """
    participant participante respondent respondente respondant répondant répondante
    interviewee interviewed student students mentor mentee speaker sprecher sprecherin
    teilnehmer teilnehmerin befragte befragter befragten proband probandin entrevistado
    entrevistada estudiante alumno alumna enquêté enquêtée étudiant étudiante deelnemer
    geïnterviewde student respondens résztvevő válaszadó interjúalany hallgató 참여자 참가자 응답자
    학생 멘토 멘티 피면담자 면담대상자 대상자 연구참여자 話者 参加者 回答者
    """
)
# Keys of a transcript's metadata lines: never speakers, however often they recur.
METADATA_WORDS = frozenset(
    w.replace("_", " ")
    for w in _words(
        """
    date time place location venue duration length participants attendees present title
    topic subject project study session recording recorded transcriber transcribed_by
    transcript transcription file audio_file note notes comment comments keywords source
    language interview_date interview_time interview_place interview_location fecha hora
    lugar duración duracion participantes asistentes tema título titulo sesión sesion
    grabación grabacion transcriptor transcriptora transcripción transcripcion archivo nota
    notas observaciones entrevista datum zeit uhrzeit ort dauer teilnehmende thema titel
    sitzung aufnahme transkription transkribiert_von transkript datei notiz notizen
    anmerkung anmerkungen kommentar interviewdatum interviewort heure lieu durée
    participants thème titre séance enregistrement fichier remarque remarques commentaire
    commentaires tijd plaats locatie duur deelnemers onderwerp opname transcriptie bestand
    opmerking opmerkingen dátum idő időpont helyszín hely időtartam résztvevők téma cím
    felvétel átirat fájl megjegyzés megjegyzések 일시 날짜 시간 장소 참석자 주제 제목 녹음 녹음일 전사자 전사 비고 메모
    파일 소요시간 면담일 면담일시 면담장소 日時 場所 日付 時間
        """
    )
)
# "Q3", "Question 2", "Pregunta 1", "Frage 4", "질문 1": an interview guide's numbering.
QUESTION_WORDS = _words(
    """
    q question questions pregunta preguntas frage fragen vraag vragen kérdés item items 질문
    문항 topic tema thema punkt point part teil parte
    """
)
ANNOTATIONS = _words(
    """
    laughs laughter laughing inaudible crosstalk pause silence unclear overlapping noise
    music applause sighs coughs break end start pausa risas lachen lacht unverständlich
    rires inaudible 웃음 침묵 잠시 불명확 청취불가
    """
)
# Words a parenthesis holds that are not a person's name ("M1 (translated):").
NOT_NAMES = _words(
    """
    translated translation translator interpreter continued cont contd cont'd laughing
    laughs online remote offline via zoom video phone audio inaudible crosstalk new again
    later earlier
    """
)
# Lower-case words that may stand inside a name ("Dr. van Dijk", "María de la Cruz").
_PARTICLES = _words(
    """
    van von der den de del della di da la le du dos das bin al y e
    """
)
_GENDER = re.compile(r"(?:[/*:_(]-?(?:in|innen|a|e|ne)\)?)$")
_TRAILING_NUMBER = re.compile(r"[\s._-]*(?:\d+|[A-Z])$")
_CODE = re.compile(r"^[A-Z]{1,3}[ _-]?\d{0,3}$|^[A-Za-z]{1,3}\d{1,3}$")


@lru_cache(maxsize=4096)
def fold(label: str) -> str:
    """The comparison form of a label: NFC, single spaces, case-folded."""
    return " ".join(unicodedata.normalize("NFC", label).split()).casefold()


def _stem(label: str) -> str:
    """A role word without its number or letter ("Interviewer 2" → "interviewer")."""
    stripped = _TRAILING_NUMBER.sub("", label.strip()) or label.strip()
    return _GENDER.sub("", stripped.casefold()).strip(" .-_")


@lru_cache(maxsize=4096)
def role_of(label: str, extra_interviewers: frozenset[str] = frozenset()) -> str | None:
    """``"interviewer"``, ``"participant"`` or None for what the label's word says."""
    folded = fold(label)
    if folded in extra_interviewers:
        return "interviewer"
    bare = _GENDER.sub("", folded)
    for candidate in (folded, bare, _stem(label)):
        if candidate in INTERVIEWER_WORDS:
            # "I2"/"Q" are interviewers; "Q3" is a question number (see is_question)
            if candidate == "q" and folded != "q":
                return None
            return "interviewer"
    for candidate in (folded, bare, _stem(label)):
        if candidate in PARTICIPANT_WORDS:
            return "participant"
    return None


@lru_cache(maxsize=4096)
def is_metadata(label: str) -> bool:
    return fold(label) in METADATA_WORDS


@lru_cache(maxsize=4096)
def is_question(label: str) -> bool:
    """An interview guide's numbered item: ``Q3``, ``Question 2``, ``Pregunta 1``, ``질문 1``."""
    folded = fold(label)
    m = re.fullmatch(r"(\D+?)[\s.]*\d+(?:\.\d+)*", folded)
    return m is not None and m.group(1).strip(" .") in QUESTION_WORDS


@lru_cache(maxsize=4096)
def is_code(label: str) -> bool:
    """Short and consistent in form: ``M1``, ``E12``, ``P03``, ``A``, ``KM``."""
    return _CODE.match(label.strip()) is not None and len(label.strip()) <= 6


@lru_cache(maxsize=4096)
def series(label: str) -> str | None:
    """The stem a numbered label shares with its series (``E3`` → ``e``, ``Participant 4`` →
    ``participant``); None when the label carries no number."""
    m = re.fullmatch(r"(.*?\D)[\s._-]*\d+", label.strip())
    return fold(m.group(1)).strip(" .-_") if m else None


@lru_cache(maxsize=4096)
def is_phrase(label: str) -> bool:
    """Words a sentence starts with, not a name: a later word starts lower-case
    ("So basically", "Then I said"). Uncased scripts (Hangul) cannot tell."""
    words = label.split()
    return any(w[0].islower() and w.casefold() not in _PARTICLES for w in words[1:] if w)


@lru_cache(maxsize=4096)
def is_cased(label: str) -> bool:
    return any(ch.isupper() or ch.islower() for ch in label)


@lru_cache(maxsize=4096)
def name_like(text: str) -> bool:
    """Whether a parenthesis holds a person's name ("이서연", "Lee Seo-yeon", "Mike")."""
    words = text.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in text):
        return False
    if fold(text) in NOT_NAMES or any(fold(w) in NOT_NAMES for w in words):
        return False
    for w in words:
        if not all(ch.isalpha() or ch in ".'’-" for ch in w):
            return False
        if w[0].islower() and w not in _PARTICLES:
            return False
    return True
