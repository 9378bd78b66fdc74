"""Invented focus-group transcripts in eight languages, the raw material of the test corpus.

Every sentence here was written for these tests (mentors and mentees of a peer-mentoring
programme talking about study plans, exam reviews, pressure and friendship). A script is a
title, optional metadata lines, and turns (label as written, speech). The expected speaker
sequence of each corpus file is written by hand in ``manifest.py``, not derived from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Script:
    title: str
    turns: tuple[tuple[str, str], ...]
    meta: tuple[str, ...] = field(default=())


ENGLISH = Script(
    "Focus group with mentees, second year",
    (
        ("Moderator", "Thank you all for coming. How did the mentoring start for you this year?"),
        (
            "E1",
            "I met my mentor in the first week of the block. We agreed to study together in the library every Thursday afternoon, and she showed me how to split the anatomy material into small parts.",
        ),
        (
            "E2",
            "For me it started online, because my mentor was on clinical rotations. We wrote a study plan together and checked it every Sunday evening.",
        ),
        ("Moderator", "What changed in the way you prepare for exams?"),
        (
            "E1",
            "I start much earlier now. Before, I began two weeks before the exam; now I review a little every day, and the defined goals for each week help me a lot.",
        ),
        (
            "E3",
            "Honestly, the review sessions before the exams helped most. My mentor explained which questions usually come up and how to answer them under time pressure.",
        ),
        ("Moderator", "Did anything feel difficult or uncomfortable?"),
        (
            "E2",
            "Sometimes I felt pressure, because I did not want to disappoint my mentor when I had not done the exercises.",
        ),
        (
            "E3",
            "I think the first meetings were a bit awkward, but after a month we became friends and it felt natural.",
        ),
        ("Moderator", "Thank you. Is there anything you would suggest for next year?"),
        (
            "E1",
            "A short training for mentees would be useful, so that we know what we can ask for and how to prepare for each meeting.",
        ),
    ),
)

GERMAN = Script(
    "Gruppeninterview mit Mentorinnen und Mentoren",
    (
        (
            "Interviewer/in",
            "Vielen Dank, dass Sie gekommen sind. Warum haben Sie sich als Mentorin oder Mentor gemeldet?",
        ),
        (
            "B1",
            "Ich hatte selbst im ersten Jahr eine Mentorin, und das hat mir sehr geholfen. Ich wollte etwas davon zurückgeben und den Jüngeren die Angst vor den Prüfungen nehmen.",
        ),
        (
            "B2",
            "Bei mir war es auch die Erfahrung aus dem eigenen Studium. Außerdem merkt man beim Erklären, wie viel man selbst nur auswendig gelernt hatte.",
        ),
        ("Interviewer/in", "Was hat in der Zusammenarbeit gut funktioniert?"),
        (
            "B1",
            "Feste Termine haben am besten funktioniert. Wir haben uns jeden Mittwoch getroffen und vorher die Themen abgesprochen, sodass niemand unvorbereitet war.",
        ),
        (
            "B3",
            "Die Wiederholung vor den Klausuren war für meine Mentees am wichtigsten. Wir haben alte Fragen durchgesprochen und die Lernstrategie gemeinsam geplant.",
        ),
        ("Interviewer/in", "Gab es auch schwierige Momente?"),
        (
            "B2",
            "Manchmal kamen die Mentees ohne Hausaufgaben, und dann war die Stunde weniger ergiebig. Ich habe gelernt, das freundlich, aber deutlich anzusprechen.",
        ),
        (
            "B3",
            "Schwierig war auch die Zeitplanung während der Famulatur, weil ich selbst kaum freie Abende hatte.",
        ),
    ),
)

FRENCH = Script(
    "Entretien de groupe avec les tutorés",
    (
        (
            "Intervieweur",
            "Merci d'être venus. Comment s'est passée la première rencontre avec votre tuteur ?",
        ),
        (
            "P1",
            "Très bien. Ma tutrice m'a expliqué comment elle révisait l'anatomie, et nous avons préparé un planning pour tout le semestre.",
        ),
        (
            "P2",
            "Au début j'étais stressée, mais elle était très patiente. Nous nous retrouvions à la bibliothèque deux fois par semaine.",
        ),
        ("Intervieweur", "Qu'est-ce qui a changé dans votre façon de réviser ?"),
        (
            "P1",
            "Je commence plus tôt et je fais des fiches après chaque cours. Les révisions avant les partiels étaient très utiles.",
        ),
        (
            "P3",
            "Pour moi, c'est surtout la confiance. Je n'ai plus peur de poser des questions, même quand elles me semblent naïves.",
        ),
    ),
)

SPANISH = Script(
    "Grupo focal con mentores",
    (
        ("MODERADOR", "Gracias por venir. ¿Por qué decidieron participar como mentores?"),
        (
            "M1",
            "Yo tuve un mentor en primer año y me ayudó muchísimo. Quería devolver algo de lo que recibí y acompañar a los estudiantes nuevos.",
        ),
        (
            "M2",
            "Para mí fue también una forma de repasar. Cuando uno explica la fisiología a otra persona, se da cuenta de lo que no entendía bien.",
        ),
        ("MODERADOR", "¿Qué fue lo más difícil?"),
        (
            "M1",
            "Coordinar los horarios. Durante las rotaciones clínicas casi no tenía tiempo libre por las tardes.",
        ),
        (
            "M3",
            "A veces los mentees no preparaban nada y la reunión se convertía en una clase. Aprendí a pedirles que trajeran preguntas concretas.",
        ),
    ),
    (
        "Fecha: 12 de mayo de 2025",
        "Lugar: Sala de seminarios 3",
        "Duración: 52 minutos",
    ),
)

DUTCH = Script(
    "Focusgroep met mentees",
    (
        ("Interviewer", "Bedankt voor jullie komst. Hoe begon het mentoraat voor jullie?"),
        (
            "R1",
            "Mijn mentor stuurde me in de eerste week een bericht. We spraken af om elke dinsdag samen te studeren in de bibliotheek.",
        ),
        (
            "R2",
            "Bij mij ging het wat langzamer, omdat we allebei een druk rooster hadden. Na een maand vonden we een vast moment op vrijdag.",
        ),
        ("Interviewer", "Wat heeft het meest geholpen bij de voorbereiding op tentamens?"),
        (
            "R1",
            "De oefenvragen van vorig jaar. Mijn mentor legde uit waarom een antwoord fout was, en dat onthield ik veel beter.",
        ),
        (
            "R2",
            "Voor mij was het vooral de planning. Ik begin nu eerder en verdeel de stof over de weken.",
        ),
    ),
)

HUNGARIAN = Script(
    "Fókuszcsoportos interjú mentoráltakkal",
    (
        ("Kérdező", "Köszönöm, hogy eljöttek. Hogyan kezdődött a mentorprogram önöknek?"),
        (
            "V1",
            "Az első héten felvettem a kapcsolatot a mentorommal. Őszintén szólva eleinte féltem, de nagyon türelmes volt velem.",
        ),
        (
            "V2",
            "Nálam is hasonló volt. Együtt készítettünk tanulási tervet, és hétfőnként átnéztük, hogy mit sikerült elvégeznem.",
        ),
        ("Kérdező", "Mi segített a legtöbbet a vizsgák előtt?"),
        (
            "V1",
            "A vizsga előtti ismétlés. A mentorom megmutatta, hogyan érdemes a régi kérdéseket feldolgozni, és ez nagyon sokat jelentett.",
        ),
        (
            "V2",
            "Nekem a rendszeresség. Most már nem az utolsó hétben kezdek el tanulni, hanem fokozatosan haladok.",
        ),
    ),
)

KOREAN = Script(
    "멘티 초점집단면담 (연습용 예시)",
    (
        ("진행자", "오늘 와 주셔서 감사합니다. 멘토링은 어떻게 시작하게 되셨나요?"),
        (
            "E6 (김민지)",
            "첫 주에 멘토 선배님이 먼저 연락을 주셨어요. 매주 목요일에 도서관에서 같이 공부하기로 했습니다.",
        ),
        (
            "E7 (박준호)",
            "저는 처음에 좀 어색했는데, 선배님이 시험 전에 복습 모임을 열어 주셔서 긴장이 많이 풀렸어요.",
        ),
        ("진행자", "공부하는 방식에서 무엇이 달라졌나요?"),
        (
            "E6 (김민지)",
            "계획표를 같이 만들고 나서 시험 공부를 훨씬 일찍 시작하게 됐어요. 왜냐면 매주 확인을 받으니까 미룰 수가 없더라고요.",
        ),
        (
            "E8",
            "솔직히 부담을 느낄 때도 있었어요. 숙제를 못 해 가면 선배님께 죄송한 마음이 들었습니다.",
        ),
        ("진행자", "내년 프로그램에 제안하고 싶은 점이 있나요?"),
        (
            "E7 (박준호)",
            "멘티를 위한 짧은 오리엔테이션이 있으면 좋겠습니다. 무엇을 부탁해도 되는지 처음에는 잘 몰랐거든요.",
        ),
    ),
)

JAPANESE = Script(
    "メンティーとのグループインタビュー",
    (
        ("司会", "本日はありがとうございます。メンタリングはどのように始まりましたか。"),
        (
            "S1",
            "最初の週に先輩から連絡がありました。毎週木曜日に図書館で一緒に勉強することにしました。",
        ),
        ("S2", "最初は緊張しましたが、試験前の復習会のおかげで安心できました。"),
        ("司会", "勉強の仕方で何が変わりましたか。"),
        ("S1", "計画表を一緒に作ってから、早めに勉強を始めるようになりました。"),
        ("S2", "質問することが怖くなくなりました。先輩はいつも丁寧に説明してくれました。"),
    ),
)

ALL = {
    "en": ENGLISH, "de": GERMAN, "fr": FRENCH, "es": SPANISH, "nl": DUTCH, "hu": HUNGARIAN,
    "ko": KOREAN, "ja": JAPANESE,
}  # fmt: skip


def plain(script: Script, *, sep: str = ": ") -> str:
    """The script as a typed transcript: title, metadata, one paragraph per turn."""
    parts = [
        script.title,
        *script.meta,
        *(f"{label}{sep}{speech}" for label, speech in script.turns),
    ]
    return "\n\n".join(parts) + "\n"


def pseudonyms(script: Script) -> list[str]:
    """The labels as stored (real names in parentheses left out), in order."""
    return [label.split(" (")[0] for label, _ in script.turns]
