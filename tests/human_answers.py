"""Answers as people type them, question by question: misspelt, without diacritics, numbers
in words, mixed languages, a sentence where a word was asked.

Each row is (question, what the person typed, what it must be understood as). Questions are
named "flow.step" (or "menu", "language"); the expected value is the option's key, or for
the menu the flow it starts. Rows marked "tg" are typed on Telegram, where options are
buttons without numbers; all others are typed by SMS.
"""

from __future__ import annotations

Row = tuple[str, str, str]

DANGER = [
    ("po", "yes"), ("Po", "yes"), ("PO", "yes"), ("po.", "yes"), ("poo", "yes"),
    ("po po", "yes"), ("posi", "yes"), ("po, tani", "yes"), ("po e rrahin tani", "yes"),
    ("sigurisht", "yes"), ("patjetër", "yes"), ("da", "yes"), ("Da", "yes"),
    ("jeste", "yes"), ("yes", "yes"), ("yeah", "yes"), ("\U0001f44d", "yes"),
    ("ndoshta", "yes"), ("nuk e di", "yes"), ("s'e di", "yes"), ("ne znam", "yes"),
    ("možda", "yes"), ("urgjent!", "yes"), ("1", "yes"), ("1.", "yes"),
    ("jo", "no"), ("Jo", "no"), ("JO", "no"), ("joo", "no"), ("jo jo", "no"),
    ("jo, nuk eshte", "no"), ("nuk", "no"), ("aspak", "no"), ("ne", "no"), ("Ne", "no"),
    ("nije", "no"), ("no", "no"), ("nope", "no"), ("\U0001f44e", "no"), ("2", "no"),
    ("2)", "no"),
]
CONCERN = [
    ("1", "violence"), ("dhune", "violence"), ("dhunë", "violence"), ("Dhuna", "violence"),
    ("abuzim", "violence"), ("nasilje", "violence"), ("e rrahin", "violence"),
    ("babai e rrah çdo natë", "violence"), ("e godasin", "violence"),
    ("e maltretojnë në shtëpi", "violence"), ("violence", "violence"),
    ("2", "sexual_abuse"), ("abuzim seksual", "sexual_abuse"), ("seksual", "sexual_abuse"),
    ("e ngacmon seksualisht nje i rritur", "sexual_abuse"),
    ("3", "neglect"), ("neglizhim", "neglect"), ("neglizhimi", "neglect"),
    ("e lënë vetëm gjithë ditën", "neglect"), ("zanemarivanje", "neglect"),
    ("4", "labour"), ("punë", "labour"), ("pune e rende", "labour"),
    ("punon ne ndertim", "labour"), ("radi na gradilištu", "labour"),
    ("5", "street"), ("lyp", "street"), ("lyp ne rruge", "street"),
    ("femije ne rruge", "street"), ("prosjači", "street"), ("begging", "street"),
    ("6", "trafficking"), ("trafikim", "trafficking"), ("trgovina decom", "trafficking"),
    ("7", "disability"), ("aftesi te kufizuara", "disability"), ("invalid", "disability"),
    ("8", "school"), ("nuk shkon ne shkolle", "school"), ("braktisje", "school"),
    ("9", "other"), ("tjeter", "other"), ("tjetër", "other"), ("drugo", "other"),
]
AGE = [
    ("10", "6-11"), ("10 vjec", "6-11"), ("10 vjeç", "6-11"), ("10 vjeq", "6-11"),
    ("rreth 10", "6-11"), ("rreth 10 vjec", "6-11"), ("dhjetë", "6-11"), ("dhjete", "6-11"),
    ("10 godina", "6-11"), ("deset", "6-11"), ("oko 10", "6-11"), ("ten", "6-11"),
    ("about 10", "6-11"), ("10 years", "6-11"), ("10-vjeçar", "6-11"), ("7 vjet", "6-11"),
    ("6 ose 7", "6-11"), ("8 god", "6-11"), ("tetë vjeç", "6-11"),
    ("12", "12-14"), ("12-13", "12-14"), ("13 vjeç", "12-14"), ("14 vjeçare", "12-14"),
    ("trinaest", "12-14"), ("dymbëdhjetë", "12-14"),
    ("15", "15-17"), ("16 vjeç", "15-17"), ("17g", "15-17"), ("15 god", "15-17"),
    ("8 muaj", "0-5"), ("foshnjë", "0-5"), ("beba", "0-5"), ("3 vjeç", "0-5"),
    ("4 godine", "0-5"),
    ("1", "0-5"), ("2", "6-11"), ("3", "12-14"), ("4", "15-17"), ("5", "unknown"),
    ("1)", "0-5"), ("nuk e di", "unknown"), ("ne znam", "unknown"), ("s'e di", "unknown"),
    ("nuk e di sa", "unknown"), ("I don't know", "unknown"),
]
AGE_TELEGRAM = [("3", "0-5"), ("10", "6-11"), ("2", "0-5"), ("16", "15-17")]
SEX = [
    ("1", "girl"), ("2", "boy"), ("3", "unknown"), ("vajzë", "girl"), ("vajze", "girl"),
    ("vajza", "girl"), ("goca", "girl"), ("çupë", "girl"), ("femër", "girl"),
    ("devojčica", "girl"), ("devojka", "girl"), ("girl", "girl"), ("f", "girl"),
    ("djalë", "boy"), ("djale", "boy"), ("djali", "boy"), ("cuni", "boy"),
    ("mashkull", "boy"), ("dečak", "boy"), ("boy", "boy"), ("m", "boy"),
    ("nuk e di", "unknown"), ("ne znam", "unknown"), ("nuk dua te them", "unknown"),
]
CONTACT = [
    ("1", "anonymous"), ("2", "callback"), ("po", "callback"), ("Po", "callback"),
    ("da", "callback"), ("ok", "callback"), ("mund te me kontaktoni", "callback"),
    ("po, me telefononi", "callback"), ("kontaktoni", "callback"), ("yes", "callback"),
    ("jo", "anonymous"), ("ne", "anonymous"), ("anonim", "anonymous"),
    ("dua te mbetem anonim", "anonymous"), ("mos me kontaktoni", "anonymous"),
    ("no", "anonymous"), ("anonimno", "anonymous"),
]
CONFIRM = [
    ("po", "send"), ("Po", "send"), ("1", "send"), ("dergo", "send"), ("dërgo", "send"),
    ("dergoje", "send"), ("ok", "send"), ("da", "send"), ("pošalji", "send"),
    ("send", "send"), ("po, dergoje", "send"),
    ("2", "change"), ("ndrysho", "change"), ("jo", "change"), ("izmeni", "change"),
    ("3", "cancel"),
]
HAZARD_KIND = [
    ("1", "open_pit"), ("gropë", "open_pit"), ("grope", "open_pit"), ("pusete", "open_pit"),
    ("puseta pa kapak", "open_pit"), ("ka nje grope te madhe ne rruge", "open_pit"),
    ("2", "riverbed"), ("lumi", "riverbed"), ("perroi pa mbrojtje", "riverbed"),
    ("3", "dump"), ("mbeturina", "dump"), ("deponi", "dump"), ("plehra kudo", "dump"),
    ("smeće", "dump"),
    ("4", "ruin"), ("ndertese e braktisur", "ruin"), ("rrënojë", "ruin"),
    ("5", "playground"), ("kend lojerash", "playground"), ("lodrat e prishura", "playground"),
    ("6", "traffic"), ("trotuar", "traffic"), ("nuk ka semafor", "traffic"),
    ("7", "stray_dogs"), ("qen", "stray_dogs"), ("qentë endacakë", "stray_dogs"),
    ("ka shume qen ne lagje", "stray_dogs"), ("psi lutalice", "stray_dogs"),
    ("8", "school_area"), ("afer shkolles", "school_area"),
    ("9", "water"), ("uje te zeza", "water"), ("kanalizimi i hapur", "water"),
    ("nuk ka uje te pijshem", "water"),
    ("10", "other"), ("tjeter", "other"),
]
PHOTO = [
    ("kalo", "skip"), ("Kalo", "skip"), ("KALO", "skip"), ("1", "skip"), ("skip", "skip"),
    ("pa foto", "skip"), ("nuk kam", "skip"), ("nemam", "skip"), ("preskoči", "skip"),
    ("jo", "skip"), ("ne", "skip"),
]
MENU = [
    ("1", "hazard"), ("2", "child_at_risk"), ("rrezik publik", "hazard"),
    ("dua te raportoj nje grope", "hazard"), ("ka qen endacake", "hazard"),
    ("femije ne rrezik", "child_at_risk"), ("fëmijë", "child_at_risk"),
    ("dua te raportoj nje femije", "child_at_risk"), ("dete", "child_at_risk"),
    ("nje vajze e vogel lyp", "child_at_risk"),
    # Awareness messages: the keyword as typed, the menu entry's number and words for it.
    ("ABONOHU", "subscribe"), ("abonohu", "subscribe"), ("Abonohu", "subscribe"),
    ("abonohu!", "subscribe"), ("abonim", "subscribe"), ("PRETPLATA", "subscribe"),
    ("pretplata", "subscribe"), ("subscribe", "subscribe"), ("7", "subscribe"),
    ("mesazhe", "subscribe"), ("dua mesazhe ndergjegjesuese", "subscribe"),
    ("poruke", "subscribe"),
]
# Where the awareness messages should come from, as people write it (subscribe.place):
# the municipality found at once (by name, alias, without diacritics).
SUBSCRIBE_PLACE = [
    ("Skenderaj", "Skënderaj"), ("skenderaj", "Skënderaj"), ("SKENDERAJ", "Skënderaj"),
    ("Skënderaj", "Skënderaj"), ("Srbica", "Skënderaj"), ("Gllogoc", "Drenas"),
    ("drenas", "Drenas"), ("Prizren", "Prizren"), ("prishtine", "Prishtinë"),
    ("Prishtina", "Prishtinë"),
]
LANGUAGE = [
    ("1", "sq"), ("2", "sr"), ("3", "en"), ("shqip", "sq"), ("Shqip", "sq"), ("srpski", "sr"),
    ("Srpski", "sr"), ("serbisht", "sr"), ("english", "en"), ("anglisht", "en"), ("sr", "sr"),
    ("en", "en"),
]

# Typos, run-together words, other phrasings: what a hurried thumb on a cheap phone sends.
HURRIED = [
    ("child_at_risk.danger", "po!!!", "yes"), ("child_at_risk.danger", "PO PO", "yes"),
    ("child_at_risk.danger", "poh", "yes"), ("child_at_risk.danger", "ka rrezik", "yes"),
    ("child_at_risk.danger", "jo tani jo", "no"), ("child_at_risk.danger", "joooo", "no"),
    ("child_at_risk.danger", "Nuk eshte ne rrezik", "no"),
    ("child_at_risk.concern", "dhunes", "violence"),
    ("child_at_risk.concern", "dhunë fizike", "violence"),
    ("child_at_risk.concern", "e rrah babai", "violence"),
    ("child_at_risk.concern", "maltretim", "violence"),
    ("child_at_risk.concern", "e keqtrajtojne", "violence"),
    ("child_at_risk.concern", "ngacmim seksual", "sexual_abuse"),
    ("child_at_risk.concern", "nuk kujdesen per te", "neglect"),
    ("child_at_risk.concern", "lypes", "street"),
    ("child_at_risk.concern", "lyp para te semafori", "street"),
    ("child_at_risk.concern", "punon ne ara", "labour"),
    ("child_at_risk.concern", "braktisi shkollen", "school"),
    ("child_at_risk.concern", "femije me autizem pa kujdes", "disability"),
    ("child_at_risk.concern", "e shesin", "trafficking"),
    ("child_at_risk.age", "10vjec", "6-11"), ("child_at_risk.age", "dhjet vjec", "6-11"),
    ("child_at_risk.age", "ka 10 vjet", "6-11"), ("child_at_risk.age", "eshte 10 vjec", "6-11"),
    ("child_at_risk.age", "nja 10 vjec", "6-11"), ("child_at_risk.age", "mbi 10", "6-11"),
    ("child_at_risk.age", "2 vjecare", "0-5"), ("child_at_risk.age", "11 god.", "6-11"),
    ("child_at_risk.age", "ima 9 godina", "6-11"), ("child_at_risk.age", "about 7", "6-11"),
    ("child_at_risk.sex", "vajz", "girl"), ("child_at_risk.sex", "djal", "boy"),
    ("child_at_risk.sex", "nje vajze", "girl"), ("child_at_risk.sex", "djalë i vogël", "boy"),
    ("child_at_risk.sex", "cupa", "girl"), ("child_at_risk.sex", "musko", "boy"),
    ("child_at_risk.contact", "poo", "callback"), ("child_at_risk.contact", "jo faleminderit",
                                                   "anonymous"),
    ("hazard.category", "pusetë e hapur", "open_pit"), ("hazard.category", "grop", "open_pit"),
    ("hazard.category", "qen te eger", "stray_dogs"), ("hazard.category", "pasa", "stray_dogs"),
    ("hazard.category", "deponija", "dump"), ("hazard.category", "mbeturinat", "dump"),
    ("hazard.category", "kendi i lojrave", "playground"),
    ("hazard.category", "shtepi e rrenuar", "ruin"),
    ("hazard.confirm", "poo", "send"), ("hazard.confirm", "ok dergo", "send"),
    ("hazard.photo", "s'kam foto", "skip"), ("hazard.photo", "nuk kam foto", "skip"),
    ("menu", "dua me raportu nje qen", "hazard"), ("menu", "femija i fqinjit", "child_at_risk"),
]

CORPUS: list[tuple[str, str, str, str]] = [
    *(("child_at_risk.danger", "sms", said, key) for said, key in DANGER),
    *(("child_at_risk.concern", "sms", said, key) for said, key in CONCERN),
    *(("child_at_risk.age", "sms", said, key) for said, key in AGE),
    *(("child_at_risk.age", "telegram", said, key) for said, key in AGE_TELEGRAM),
    *(("child_at_risk.sex", "sms", said, key) for said, key in SEX),
    *(("child_at_risk.contact", "sms", said, key) for said, key in CONTACT),
    *(("hazard.confirm", "sms", said, key) for said, key in CONFIRM),
    *(("hazard.category", "sms", said, key) for said, key in HAZARD_KIND),
    *(("hazard.photo", "telegram", said, key) for said, key in PHOTO),
    *(("menu", "sms", said, key) for said, key in MENU),
    *(("language", "sms", said, key) for said, key in LANGUAGE),
    *((question, "telegram" if question.endswith("photo") else "sms", said, key)
      for question, said, key in HURRIED),
]
