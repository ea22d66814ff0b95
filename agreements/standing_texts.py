"""The default standing texts of a round's agreements, in Dutch (DOMAIN.md 6).

The agreement is a Dutch document that wethouders sign; its standing texts are data that the
programme team edits per round (agreements.services.standing_text_save), so a jurist can
change wording without a release. These are the texts a round starts with. Each paragraph
(separated by an empty line) becomes one item in the PDF.
"""

from __future__ import annotations

from .models import StandingTextKind

CONSIDERATIONS = """\
Het Rijk, de provincies en de gemeenten werken samen in het programma Een thuis voor iedereen (ministerie van BZK, 2022). Het doel is dat er in 2030 genoeg betaalbare en passende woningen zijn voor aandachtsgroepen, evenwichtig verdeeld over alle gemeenten en met de juiste zorg en ondersteuning.

De Wet versterking regie op de volkshuisvesting maakt een regionale aanpak verplicht. Iedere gemeente legt in haar volkshuisvestingsprogramma vast hoe zij aandachtsgroepen huisvest, met een woonzorgvisie, en iedere gemeente heeft een urgentieregeling.

De gemeenten in de Metropoolregio Amsterdam hebben in de Woondeal met het Rijk en de provincies afgesproken dat iedere gemeente haar deel van de opgave voor aandachtsgroepen neemt.

Maken gemeenten vanaf 1 januari 2026 geen regionale afspraken, dan geldt naar verwachting de terugvalregel: een gemeente moet dan een vast deel van de vrijkomende sociale huurwoningen (mutaties), in de besprekingen in de MRA 15 procent, toewijzen aan wettelijk urgenten.

Partijen gaan uit van een eerlijke verdeling (fair share): iedere gemeente draagt naar vermogen bij, volgens een verdeelsleutel die per doelgroep open en navolgbaar is en die iedereen met dezelfde cijfers kan narekenen.

Spreiding past bij sommige doelgroepen en bij andere minder. Daarom is er maatwerk per doelgroep: voor sommige groepen geldt een verdeelsleutel, voor andere de eigen vraag van de gemeente of de wettelijke taakstelling.

Partijen willen voorkomen dat wat in de ene gemeente niet kan, in de buurgemeente wel kan (shopgedrag), en letten op de stapeling van kwetsbare huishoudens in dezelfde buurten. De mens staat centraal.
"""

DEFINITIONS = """\
Aandachtsgroepen: de doelgroepen in deze afspraken, met per doelgroep een eenheid (personen, huishoudens, bedden, eenheden of standplaatsen), zoals in de tabel van dit artikel.

Periode: de periode waarvoor deze afspraken gelden. Ieder aantal geldt voor de hele periode en is ook per jaar vermeld; het aantal per jaar is het aantal voor de periode, gelijk verdeeld over de jaren.

Afgesproken aantal: het aantal dat een gemeente voor een doelgroep in de periode huisvest: het berekende aandeel, met de achterstand of voorsprong uit de vorige periode, en met de overdrachten die gemeenten onderling zijn overeengekomen.

Mutaties: het aantal sociale huurwoningen dat in een jaar vrijkomt en opnieuw wordt verhuurd.

Gerealiseerd bij dak- en thuislozen: een persoon die vanuit de maatschappelijke opvang of zonder vaste woonplek een eigen woning of een woonplek met begeleiding heeft gekregen, met een huurcontract of gebruiksovereenkomst.

Gerealiseerd bij statushouders: een vergunninghouder die volgens de taakstelling in de gemeente is gehuisvest, zoals het COA en de gemeente dat registreren.

Gerealiseerd bij urgenten: een huishouden met een urgentieverklaring dat een woning heeft gekregen.

Gerealiseerd bij uitstromers uit een instelling: een persoon die een instelling (maatschappelijke opvang, beschermd wonen, GGZ, jeugdzorg of detentie) heeft verlaten en een eigen woning of woonplek met de nodige begeleiding heeft gekregen.

Gerealiseerd bij arbeidsmigranten: een bed in huisvesting die voldoet aan de normen van het Keurmerk Flexwonen en in de periode beschikbaar is gekomen.

Gerealiseerd bij studenten: een studentenwoning of studentenkamer die in de periode is opgeleverd of aan de voorraad is toegevoegd.

Gerealiseerd bij woonwagenbewoners: een standplaats die in de periode beschikbaar is gekomen en is toegewezen aan een huishouden van de wachtlijst.

Overdracht: een afspraak tussen twee gemeenten dat de ene een deel van de taak van de andere overneemt voor een doelgroep, waarbij het totaal gelijk blijft (Huisvestingswet 2014, artikel 29, tweede lid).

Achterstand en voorsprong: wat een gemeente aan het eind van de periode minder (achterstand) of meer (voorsprong) heeft gerealiseerd dan zij had afgesproken.

Controlecode: de code waaraan de deelregio's hun instemming hebben verbonden. Zij staat op iedere bladzijde; met de code is na te gaan of dit document de vastgestelde aantallen bevat.
"""

CONDITIONS = """\
Huisvesting gaat samen met de juiste zorg en ondersteuning. Een gemeente wijst een woning of woonplek pas toe als de begeleiding die de bewoner nodig heeft geregeld is, in samenwerking met zorgaanbieders en de wijkteams.

Iedere gemeente spreidt de huisvesting binnen haar grenzen over wijken en buurten, zodat kwetsbare huishoudens niet in dezelfde straten en complexen samenkomen (stapeling). Zij betrekt de woningcorporaties bij de keuze van de plekken.

De woningcorporaties dragen bij met passende woningen uit hun voorraad en bij nieuwbouw, volgens de prestatieafspraken met de gemeenten. De zorgaanbieders dragen bij met begeleiding en met het tijdig melden van mensen die klaar zijn om uit te stromen.

Een gemeente die een doelgroep huisvest die niet uit de sociale huurvoorraad wordt gehuisvest (arbeidsmigranten, studenten, woonwagenbewoners), zorgt samen met de partners voor de nodige nieuwe plekken.

De gemeenten informeren elkaar tijdig wanneer zij verwachten een afgesproken aantal niet te halen, en zoeken samen naar een oplossing voordat de periode eindigt.
"""

DEFAULTS: dict[str, str] = {
    StandingTextKind.CONSIDERATIONS: CONSIDERATIONS,
    StandingTextKind.DEFINITIONS: DEFINITIONS,
    StandingTextKind.CONDITIONS: CONDITIONS,
}


def paragraphs(body: str) -> list[str]:
    """The items of a standing text: paragraphs separated by an empty line, whitespace tidied."""
    items = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        text = " ".join(block.split())
        if text:
            items.append(text)
    return items
