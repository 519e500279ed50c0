package seed

import (
	"time"

	"kommunalforum/internal/store"
)

// The demo content is plain data: who exists, and what they wrote in which
// order. All people and most organisations are invented; the addresses use
// the reserved domain kommunalforum.example, so no mail can ever reach anyone.
//
// Bodies are Markdown as members would type it. Go raw strings cannot hold a
// backtick, so code blocks are fenced with ~~~, which Markdown accepts as well.

// demoUser is one demo account. key is how threads and posts name their author.
type demoUser struct {
	key, email, name, org, orgType, role string
}

// demoUsers come first-to-last in creation order. The first one's address
// marks the demo as present (see Demo), so it must stay first.
var demoUsers = []demoUser{
	{"admin", "admin@kommunalforum.example", "Katrin Vogelsang", "Geschäftsstelle Kommunalforum", "verband", store.RoleAdmin},
	{"mod", "moderation@kommunalforum.example", "Jörg Pfeiffer", "Landkreis Lindenau, Stabsstelle Digitalisierung", "landkreis", store.RoleModerator},
	{"pm", "pm@kommunalforum.example", "Miriam Albers", "OZG-Programmmanagement", "bund", store.RolePM},
	{"selin", "s.yilmaz@kommunalforum.example", "Selin Yılmaz", "Stadt Grünhagen, Bürgerservice und Gewerbe", "stadt", store.RoleMember},
	{"thomas", "t.brandt@kommunalforum.example", "Thomas Brandt", "Gemeinde Eichenried", "gemeinde", store.RoleMember},
	{"anna", "a.nowak@kommunalforum.example", "Anna Nowak", "KommunalIT Mitte AöR", "it-dienstleister", store.RoleMember},
	{"markus", "m.hoffmann@kommunalforum.example", "Markus Hoffmann", "Innenministerium, OZG-Koordinierungsstelle des Landes", "land", store.RoleMember},
	{"julia", "j.krueger@kommunalforum.example", "Julia Krüger", "Landkreis Nordheide", "landkreis", store.RoleMember},
	{"heiko", "h.schulte@kommunalforum.example", "Heiko Schulte", "Städte- und Gemeindebund, Landesverband", "verband", store.RoleMember},
	{"lena", "l.becker@kommunalforum.example", "Lena Becker", "Stadt Rheinfurt", "stadt", store.RoleMember},
	{"frank", "f.lindner@kommunalforum.example", "Frank Lindner", "Landkreis Lindenau, Datenschutz", "landkreis", store.RoleMember},
}

// moderatedFields are the topic fields (by slug) the demo moderator moderates.
var moderatedFields = []string{"plattformen-basisdienste", "allgemeiner-austausch"}

// day is one office day (see officeStart), the unit PM questions are timed in.
const day = (officeEnd - officeStart) * time.Hour

// demoPost is a reply, or the opening post of a thread.
type demoPost struct {
	author string
	body   string
	// edit, if set, replaces body once the thread's discussion is over,
	// so the post shows an earlier version in its revision history.
	edit string
	// up and down are the demo users (keys) who vote the answer up or down
	// in the hours after it is written; questions only.
	up, down []string

	// In questions to the programme management, replies are timed:
	after     time.Duration // office time after the question when it is written
	official  bool          // its pm author marks it as the official answer at once
	editAfter time.Duration // with edit: office time after the question when edit replaces body
}

// demoThread is a thread with its opening post and replies, in order.
type demoThread struct {
	field   string // topic field slug
	kind    string // "" (discussion), store.KindQuestion or store.KindPM
	title   string
	author  string
	body    string
	edit    string // like demoPost.edit, for the opening post
	replies []demoPost
	// accept is the reply (1 for the first) the asker accepts once the
	// question's discussion is over; 0 for none.
	accept int
	// duplicateOf, if set, is the title of an earlier question; duplicateBy
	// (a moderator of the field) closes this one as its duplicate once the
	// last reply is written.
	duplicateOf, duplicateBy string
	// lockedBy, if set, locks the thread after its last reply; it must
	// moderate the field.
	lockedBy string

	// Questions to the programme management are not written in turn with
	// the others but at planned office times, so that their deadlines (10
	// working days) and response times come out as intended:
	asked    time.Duration // office time after the demo's start when it is asked
	assignee string        // if set, this pm user takes the question on (assigns it to themself) ...
	assigned time.Duration // ... this much office time after it was asked
}

var demoThreads = []demoThread{
	{
		field:  "allgemeiner-austausch",
		title:  "Willkommen im Kommunalforum – stellen Sie sich kurz vor",
		author: "admin",
		body: `Liebe Kolleginnen und Kollegen,

herzlich willkommen im Kommunalforum! Dieses Forum ist ein Ort für den fachlichen Austausch zwischen Kommunen, Landkreisen, kommunalen IT-Dienstleistern, Verbänden sowie Ansprechpersonen aus Land und Bund rund um die Umsetzung des Onlinezugangsgesetzes (OZG) und die Verwaltungsdigitalisierung insgesamt.

Damit der Austausch gelingt, ein paar Hinweise vorab:

- **Themenfelder**: Bitte eröffnen Sie Ihr Thema im passenden Themenfeld. Was nirgends hineinpasst, gehört in den „Allgemeinen Austausch“.
- **Keine personenbezogenen Daten aus Verwaltungsvorgängen**: Beschreiben Sie Fälle bitte immer so, dass keine Bürgerin und kein Unternehmen erkennbar ist.
- **Fragen an das OZG-Programmmanagement**: Beiträge des Programmmanagements sind gesondert gekennzeichnet. Stellen Sie Ihre Frage ruhig öffentlich – andere haben oft dieselbe.
- **Quellen verlinken**: Wenn Sie sich auf Beschlüsse oder Veröffentlichungen beziehen, verlinken Sie sie bitte, zum Beispiel von https://www.fitko.de oder https://www.onlinezugangsgesetz.de.

Zum Einstieg: Stellen Sie sich hier gern in zwei, drei Sätzen vor. Wer sind Sie, woran arbeiten Sie gerade, und wozu suchen Sie Austausch?`,
		replies: []demoPost{
			{author: "thomas", body: `Moin zusammen, Thomas Brandt, Hauptamtsleiter der Gemeinde Eichenried (rund 6.000 Einwohner). Bei uns ist die Digitalisierung „nebenbei“ bei mir angesiedelt. Ich suche vor allem Erfahrungen anderer kleiner Gemeinden, damit wir nicht jedes Rad neu erfinden müssen.`},
			{author: "anna", body: `Hallo, ich bin Anna Nowak von der KommunalIT Mitte. Wir betreiben Fachverfahren und Onlinedienste für rund 80 Mitgliedskommunen. Ich leite dort das Team Schnittstellen, also alles zwischen Zustellpunkt und Fachverfahren. Fragen zu FIT-Connect, XÖV-Standards und Fachverfahrensanbindung gern an mich.`},
			{author: "markus", body: `Guten Tag, Markus Hoffmann aus der OZG-Koordinierungsstelle des Landes. Ich bin hier, um zu hören, wo es in den Kommunen hakt, und um Fragen zur Bereitstellung von EfA-Diensten durch das Land zu beantworten – soweit ich es kann.`},
			{author: "pm", body: `Guten Tag, Miriam Albers vom OZG-Programmmanagement. Wir lesen in diesem Forum mit und beantworten Fragen, die sich an das Programmmanagement richten. Wenn wir eine Frage nicht selbst beantworten können, geben wir sie an die zuständige Stelle weiter und melden uns mit dem Ergebnis hier zurück.`},
			{author: "lena", body: `Hallo in die Runde! Lena Becker, Stadt Rheinfurt. Ich koordiniere die Digitalisierungsprojekte im Dezernat Bauen und Ordnung, aktuell vor allem den Digitalen Bauantrag.`},
			{author: "frank", body: `Frank Lindner, Datenschutzbeauftragter des Landkreises Lindenau. Ich bin vermutlich der, der in Ihren Projekten immer die unbequemen Fragen stellt – hier hoffentlich auch ein paar hilfreiche Antworten.`},
		},
	},
	{
		field:  "bauen-wohnen",
		kind:   store.KindQuestion,
		title:  "Anbindung des EfA-Dienstes Wohngeld an unser Fachverfahren",
		author: "selin",
		body: `Guten Tag zusammen,

unser Land stellt seit einigen Monaten den EfA-Onlinedienst Wohngeld bereit, und die Anträge kommen inzwischen zuverlässig bei uns an. Das Problem liegt dahinter: Unsere Wohngeldstelle erhält pro Antrag ein PDF und einen strukturierten Datensatz, das Fachverfahren übernimmt die Daten aber noch nicht automatisch. Die Kolleginnen tippen also alles ab. Bei rund 40 Online-Anträgen im Monat ist der Effizienzgewinn damit gleich null.

Unser Stand:

- Die Zustellung über FIT-Connect an unseren Zustellpunkt funktioniert.
- Das Fachverfahren hat laut Roadmap des Herstellers eine Importschnittstelle, die bei uns aber noch nicht lizenziert ist.
- Rückfragen an die Antragstellenden laufen weiterhin per Brief.

Meine Fragen:

1. Hat jemand den Datenimport ins Fachverfahren schon produktiv im Einsatz?
2. Wie lange hat die Einrichtung gedauert, und welche Kosten sind angefallen (Lizenz, Dienstleister)?
3. Wie gehen Sie mit Nachreichungen um, etwa fehlenden Einkommensnachweisen?

Für Hinweise bin ich sehr dankbar.`,
		accept: 1,
		replies: []demoPost{
			{author: "anna", up: []string{"thomas", "lena", "julia", "mod", "markus", "heiko"}, body: `Wir haben die Anbindung im letzten Quartal für drei unserer Mitgliedskommunen umgesetzt. Kurzfassung: Es geht, aber planen Sie mehr Zeit ein, als der Hersteller angibt.

Was bei uns nötig war:

- **Abholkomponente**: Ein kleiner Dienst in unserem Rechenzentrum holt die Einreichungen am FIT-Connect-Zustellpunkt ab, entschlüsselt sie und legt sie im Importverzeichnis des Fachverfahrens ab.
- **Mapping**: Die Felder des Onlinedienstes passen nicht 1:1 auf das Fachverfahren. Vor allem Haushaltsmitglieder und Einkommensarten mussten wir zuordnen.
- **Test mit echten Fällen**: Erst mit anonymisierten Echtanträgen sind die Sonderfälle aufgefallen, zum Beispiel Untermietverhältnisse.

Reine Projektzeit waren bei uns etwa acht Wochen. Die Lizenzkosten für das Importmodul unterscheiden sich je nach Hersteller stark; das sollten Sie direkt anfragen.`,
				edit: `Wir haben die Anbindung im letzten Quartal für drei unserer Mitgliedskommunen umgesetzt. Kurzfassung: Es geht, aber planen Sie mehr Zeit ein, als der Hersteller angibt.

Was bei uns nötig war:

- **Abholkomponente**: Ein kleiner Dienst in unserem Rechenzentrum holt die Einreichungen am FIT-Connect-Zustellpunkt ab, entschlüsselt sie und legt sie im Importverzeichnis des Fachverfahrens ab.
- **Mapping**: Die Felder des Onlinedienstes passen nicht 1:1 auf das Fachverfahren. Vor allem Haushaltsmitglieder und Einkommensarten mussten wir zuordnen.
- **Test mit echten Fällen**: Erst mit anonymisierten Echtanträgen sind die Sonderfälle aufgefallen, zum Beispiel Untermietverhältnisse.

Insgesamt hat das Projekt knapp drei Monate gedauert: etwa acht Wochen Umsetzung, dazu Abstimmungen mit dem Hersteller und die Tests. Die Lizenzkosten für das Importmodul unterscheiden sich je nach Hersteller stark; das sollten Sie direkt anfragen.

*Korrektur: Projektdauer präzisiert, die acht Wochen waren nur die Umsetzung.*`},
			{author: "markus", up: []string{"selin", "anna", "julia"}, body: `Ergänzend aus Sicht des Landes: Die Anbindung der Fachverfahren ist ausdrücklich nicht Teil der EfA-Nachnutzung – der Onlinedienst endet am Zustellpunkt der Kommune.

Wir haben deshalb mit den Herstellern der beiden im Land verbreiteten Wohngeld-Fachverfahren einen gemeinsamen Termin vereinbart. Ziel ist eine einheitliche Importschnittstelle, statt dass jede Kommune einzeln verhandelt. Wer mitmachen möchte, melde sich gern bei mir; die Einladung geht dann über den Verteiler der Koordinierungsstelle.`},
			{author: "selin", body: `**Anna Nowak** schrieb:

> Erst mit anonymisierten Echtanträgen sind die Sonderfälle aufgefallen

Danke, das ist ein guter Hinweis. Wie haben Sie die Anonymisierung gelöst, manuell oder mit einem Werkzeug? Unsere Datenschutzbeauftragte wird danach als Erstes fragen.

Herr Hoffmann, wir sind beim Herstellertermin gern dabei, ich schreibe Ihnen.`},
			{author: "anna", up: []string{"selin", "frank"}, body: `Manuell, mit einer Checkliste: Namen, Anschrift, Geburtsdaten, IBAN und Steuer-ID werden durch Testwerte ersetzt, Beträge und Haushaltskonstellation bleiben erhalten. Die Checkliste hat die Datenschutzbeauftragte vorher abgenommen. Für 30 Testfälle war das gut ein Arbeitstag – vertretbar.`},
		},
	},
	{
		field:  "plattformen-basisdienste",
		kind:   store.KindQuestion,
		title:  "Erfahrungen mit FIT-Connect Zustellpunkt",
		author: "thomas",
		body: `Hallo zusammen,

wir sollen als Gemeinde für die ersten Onlinedienste des Landes einen eigenen FIT-Connect-Zustellpunkt bekommen. Ehrlich gesagt verstehe ich noch nicht ganz, was wir dafür selbst tun müssen und was unser IT-Dienstleister übernimmt.

Konkret:

- Brauchen wir einen Zustellpunkt pro Leistung oder einen für die ganze Gemeinde?
- Wer kümmert sich um die Schlüssel für die Verschlüsselung?
- Woher weiß der Onlinedienst, dass ein Antrag aus Eichenried an uns und nicht an den Landkreis geht?

Die Dokumentation unter https://docs.fitko.de/fit-connect/ habe ich mir angesehen, aber sie richtet sich eher an Entwickler. Gibt es jemanden, der das einmal für Nicht-Techniker erklären kann?`,
		accept: 1,
		replies: []demoPost{
			{author: "anna", up: []string{"thomas", "markus", "julia", "lena", "selin", "mod", "heiko"}, body: `Gern, ich versuche es. Ein Zustellpunkt ist vereinfacht gesagt ein digitaler Briefkasten für Anträge. Onlinedienste legen verschlüsselte Anträge dort ab, Ihr Fachverfahren oder eine Abholkomponente holt sie ab.

**Einer oder mehrere?** Das hängt davon ab, wohin die Anträge intern gehen sollen. Viele Gemeinden starten mit einem Zustellpunkt pro Fachverfahren, also etwa einem für das Gewerbeamt und einem für die Steuer. Einer pro Leistung ist meistens zu kleinteilig.

**Schlüssel:** Zu jedem Zustellpunkt gehört ein Schlüsselpaar. Der öffentliche Schlüssel wird hinterlegt, damit Onlinedienste verschlüsseln können; der private bleibt bei dem, der die Anträge abholt. Wenn wir als Dienstleister abholen, liegt er bei uns. Wichtig: Schlüssel haben ein Ablaufdatum. Läuft er ab, kann niemand mehr an Sie senden.

**Routing:** Die Zuordnung steht nicht in FIT-Connect selbst, sondern in den Zuständigkeitsdaten im Redaktionssystem Ihres Landes. Dort wird hinterlegt, dass für Leistung X im Gebiet Eichenried der Zustellpunkt Y zuständig ist. Prüfen lässt sich das über die öffentliche Routing-API, zum Beispiel so:

~~~bash
# LEIKA = Leistungsschlüssel aus dem FIM-Portal, AGS = Amtlicher Gemeindeschlüssel
curl -s "https://routing-api-prod.fit-connect.fitko.net/v1/routes?leikaKey=${LEIKA}&ags=${AGS}" \
  | jq '.routes[] | {destinationId, destinationName}'
~~~

Die Antwort sieht dann etwa so aus:

~~~json
{
  "destinationId": "7c1e2d40-5b8a-4f3e-9a61-2d7f0c9b4e15",
  "destinationName": "Gemeinde Eichenried - Hauptamt - Gewerbeangelegenheiten"
}
~~~

Kommt hier kein Eintrag oder kommen zwei, liegt das Problem fast immer in der Zuständigkeitspflege und nicht bei FIT-Connect.`},
			{author: "markus", up: []string{"thomas", "anna"}, body: `Zur Zuständigkeitspflege noch ein Hinweis vom Land: Die Zustellpunkte tragen bei uns die Redakteurinnen und Redakteure der Kommunen im Landesredaktionssystem ein, die Koordinierungsstelle prüft stichprobenartig. Wenn Ihre Gemeinde noch keinen Redaktionszugang hat, schreiben Sie mir bitte; das ist in ein paar Tagen erledigt.`},
			{author: "thomas", body: `Vielen Dank, das hilft sehr! Vor allem das Bild vom Briefkasten werde ich so im Gemeinderat verwenden.

> Läuft er ab, kann niemand mehr an Sie senden.

Das klingt nach einer Stolperfalle. Bekommt man vorher eine Erinnerung?`},
			{author: "anna", up: []string{"thomas", "selin", "frank", "julia"}, body: `Verlassen würde ich mich darauf nicht. Wir führen für alle Zustellpunkte unserer Kunden eine Liste mit Ablaufdaten und haben eine Kalendererinnerung acht Wochen vorher. Der Schlüsselwechsel selbst ist schnell erledigt, aber wenn ein neues Zertifikat beantragt werden muss, dauert das erfahrungsgemäß.`},
			{author: "mod", body: `Danke für die verständliche Erklärung, Frau Nowak. Ich habe den Beitrag für unsere künftige FAQ vorgemerkt – die Frage „Was ist eigentlich ein Zustellpunkt?“ kommt bei uns im Kreis auch regelmäßig.`},
		},
	},
	{
		field:  "bauen-wohnen",
		title:  "Digitaler Bauantrag: Welche Bauaufsichtsbehörden sind schon live?",
		author: "lena",
		body: `Wir als untere Bauaufsichtsbehörde (etwa 900 Verfahren im Jahr) nehmen seit dem Frühjahr Anträge über den EfA-Dienst „Digitaler Bauantrag“ entgegen. Ich würde gern einen Überblick bekommen, wer noch live ist und welche Erfahrungen Sie gemacht haben.

Zum Einstieg unsere Zahlen:

| Verfahrensart | online seit | Anteil online (letztes Quartal) |
|---|---|---:|
| Bauantrag, vereinfachtes Verfahren | März | 38 % |
| Bauvoranfrage | März | 52 % |
| Abbruchanzeige | Mai | 21 % |
| Antrag auf Abweichung | noch nicht | – |

Was gut läuft: Die Entwurfsverfasserinnen und -verfasser nutzen den Dienst gern, vor allem weil Nachforderungen jetzt digital laufen.

Was hakt: die Beteiligung der Träger öffentlicher Belange. Die meisten Stellen bekommen die Unterlagen noch per Download-Link, weil sie keinen Zugang zur Beteiligungsplattform haben.

Wie sieht es bei Ihnen aus?`,
		replies: []demoPost{
			{author: "mod", body: `Landkreis Lindenau: live seit letztem Herbst, alle Verfahrensarten außer Abweichungen. Der Online-Anteil bei Bauanträgen liegt inzwischen über 60 %, weil die größeren Planungsbüros im Kreis fast nur noch digital einreichen.

Zur Beteiligung: Wir haben zuerst die Gemeinden im Kreis angebunden, weil deren Einvernehmen ohnehin in jedem Verfahren nötig ist. Die Fachstellen im eigenen Haus (Denkmalschutz, Naturschutz, Brandschutz) arbeiten direkt in der E-Akte. Extern ist noch etwa ein Drittel der Stellen offline.`},
			{author: "thomas", body: `Aus Sicht einer kleinen Gemeinde, die das Einvernehmen erteilt: Der digitale Weg ist für uns ein Fortschritt. Aber Pläne als 40-seitiges PDF am Bildschirm zu prüfen, ist für den Bauausschuss mühsam – für die Sitzung drucken wir die Lagepläne dann doch wieder aus.

Hat jemand Erfahrung damit, die Unterlagen den Ausschussmitgliedern direkt im Ratsinformationssystem bereitzustellen?`},
			{author: "lena", body: `**Jörg Pfeiffer** schrieb:

> Der Online-Anteil bei Bauanträgen liegt inzwischen über 60 %

Respekt! Haben Sie die Planungsbüros aktiv angesprochen, oder kam das von allein? Wir überlegen, gemeinsam mit der Architektenkammer eine Informationsveranstaltung anzubieten.`},
			{author: "mod", body: `Beides. Es gab zwei Abendtermine mit der Kammer, und in der Eingangsbestätigung für Papieranträge steht jetzt ein Hinweis auf den Onlinedienst. Den größten Effekt hatte aber, dass digitale Anträge bei uns schneller in die Vollständigkeitsprüfung gehen. Das spricht sich herum.

Herr Brandt, zu Ihrer Frage: Wir stellen den Gemeinden die Pläne inzwischen zusätzlich als einzelne Dateien bereit, nicht nur als Gesamt-PDF. Das macht die Übernahme ins Ratsinformationssystem deutlich einfacher.`},
			{author: "markus", body: `Kurzer Hinweis: Eine Übersicht, welche Bauaufsichtsbehörden im Land bereits angebunden sind, führt die Koordinierungsstelle; ich schicke sie Ihnen gern. Allgemeine Informationen zum Digitalen Bauantrag finden Sie auch auf https://www.onlinezugangsgesetz.de.

Die kommunale Rückmeldung zur Beteiligung der Träger öffentlicher Belange nehme ich in die nächste Abstimmung mit dem Themenfeld mit.`},
		},
	},
	{
		field:  "familie-kind",
		title:  "Elterngeld Digital – Nachnutzung im Landkreis",
		author: "julia",
		body: `In unserem Land wird ElterngeldDigital angeboten, und die Elterngeldstelle des Landkreises soll die Anträge künftig durchgängig digital bearbeiten. Bisher kommen die Anträge bei uns als PDF an und werden ausgedruckt. Das wollen wir ändern.

Drei Punkte beschäftigen uns:

- **Nachweise**: Geburtsurkunde und Einkommensnachweise werden teils hochgeladen, teils per Post nachgereicht. Wie führen Sie beides zusammen?
- **Beratung**: Viele Eltern rufen an, weil sie bei Partnerschaftsbonus und ElterngeldPlus unsicher sind. Bieten Sie eine Beratung an, bevor der Antrag abgeschickt wird?
- **E-Akte**: Gibt es Landkreise, die die Anträge ohne Medienbruch in die E-Akte übernehmen?

Erfahrungen aus anderen Kreisen sind sehr willkommen, gern auch Negativbeispiele.`,
		replies: []demoPost{
			{author: "mod", body: `Wir übernehmen die Anträge seit einem halben Jahr direkt in die E-Akte. Nachweise auf Papier werden in der Poststelle gescannt und über das Aktenzeichen dem Vorgang zugeordnet. Das Aktenzeichen steht in der Eingangsbestätigung, die die Eltern per Post bekommen.

Das funktioniert, wenn die Eltern das Aktenzeichen angeben – das tun etwa 80 %.`},
			{author: "pm", body: `Vielen Dank für die konkreten Fragen. Zu Ihrem zweiten Punkt: Rückmeldungen zu Verständnisproblemen im Antrag sammelt das Programmmanagement gern gebündelt und gibt sie an das verantwortliche Team weiter. Hilfreich ist, wenn Sie die Stelle im Antrag und die typische Frage der Eltern nennen. Sie können das gern hier in diesem Thema tun; ich schaue regelmäßig hinein.`},
			{author: "julia", body: `**Jörg Pfeiffer** schrieb:

> Das funktioniert, wenn die Eltern das Aktenzeichen angeben – das tun etwa 80 %.

Und die übrigen 20 %? Sucht dann jemand von Hand nach Name und Geburtsdatum des Kindes?`},
			{author: "mod", body: `Ja, leider. Wir haben das Anschreiben inzwischen geändert: Das Aktenzeichen steht fett ganz oben und zusätzlich auf einem Vorblatt, das die Eltern ausdrucken und den Unterlagen beilegen können. Seitdem ist es besser, aber nicht perfekt.`},
			{author: "julia", body: `Frau Albers, wie gewünscht die drei häufigsten Fragen unserer Eltern:

1. Welche Monate zählen beim Partnerschaftsbonus, wenn das Kind in der Monatsmitte geboren wurde? (Dass es um Lebensmonate und nicht um Kalendermonate geht, erschließt sich aus dem Antrag kaum.)
2. Wo wird Einkommen aus einem Minijob neben einer selbstständigen Tätigkeit eingetragen?
3. Muss der zweite Elternteil den Antrag mit unterschreiben, auch wenn er selbst noch keine Monate beantragt?

Die genauen Stellen im Antrag kann ich bei Bedarf mit Screenshots nachliefern.`},
		},
	},
	{
		field:  "mobilitaet-reisen",
		kind:   store.KindQuestion,
		title:  "Kfz-Zulassung i-Kfz Stufe 4 – Probleme mit der Gebührenzahlung",
		author: "mod",
		body: `Seit der Umstellung auf i-Kfz Stufe 4 haben wir in unserer Zulassungsstelle ein wiederkehrendes Problem: Die Halterinnen und Halter bezahlen die Gebühren online, die Zahlung ist laut ePayment-Plattform erfolgreich, aber der Vorgang bleibt im Status „Zahlung ausstehend“. Die Zulassung wird dann nicht abgeschlossen, und die Leute rufen bei uns an – verständlicherweise verärgert.

Betroffen sind etwa 3 bis 5 % der Online-Vorgänge, gefühlt häufiger am Abend und am Wochenende.

Was wir bisher wissen:

- Die Buchung ist in der Kasse sichtbar, das Kassenzeichen stimmt.
- Im i-Kfz-Portal fehlt die Zahlungsbestätigung.
- Ein erneuter Zahlungsversuch führt zu einer Doppelzahlung, die wir dann erstatten müssen.

Kennt jemand dieses Fehlerbild? Und wie geben Sie die betroffenen Vorgänge frei, ohne dass die Leute doch vorbeikommen müssen?`,
		replies: []demoPost{
			{author: "anna", up: []string{"selin", "markus", "julia", "lena"}, body: `Das Fehlerbild kennen wir von zwei Zulassungsstellen, die wir betreuen. Nach unserer Analyse kommt die Rückmeldung der ePayment-Plattform an das Portal nicht an, wenn das Portal in diesem Moment nicht antwortet – etwa während einer Wartung oder unter Last. Eine Wiederholung der Rückmeldung war in der Konfiguration nicht vorgesehen.

Als Sofortmaßnahme gleichen wir einmal täglich die Buchungen der Kasse mit den offenen Vorgängen ab. Das ist ein kleines Skript, das die Kassenzeichen vergleicht und eine Liste für die Sachbearbeitung erzeugt.`},
			{author: "selin", up: []string{"thomas", "anna", "lena"}, body: `Bei uns in Grünhagen dasselbe Muster. Die Doppelzahlungen haben wir reduziert, indem auf der Hinweisseite jetzt steht: „Bitte nicht erneut bezahlen, wenn die Zahlung bereits abgebucht wurde. Ihr Vorgang wird innerhalb von zwei Werktagen freigegeben.“ Das nimmt viel Druck aus der Hotline.`},
			{author: "markus", up: []string{"anna", "selin", "julia", "heiko", "lena"}, body: `Das Problem ist dem Land bekannt und beim Betreiber gemeldet. Die Korrektur, mit der fehlgeschlagene Zahlungsrückmeldungen automatisch wiederholt werden, ist für das nächste Release angekündigt. Bis dahin ist der tägliche Abgleich, wie Frau Nowak ihn beschreibt, der empfohlene Weg. Eine Beschreibung für die manuelle Freigabe schicke ich über den Verteiler der Zulassungsbehörden.`},
			{author: "mod", up: []string{"selin", "anna"}, body: `Kurze Rückmeldung für alle, die später hier landen: Das Update ist seit letzter Woche eingespielt, seitdem hatten wir keinen einzigen hängenden Vorgang mehr. Den täglichen Abgleich lassen wir zur Sicherheit noch einen Monat weiterlaufen. Danke an alle für die Hinweise!`},
		},
	},
	{
		field:  "plattformen-basisdienste",
		title:  "Kosten der Nachnutzung über den FIT-Store",
		author: "heiko",
		body: `Sehr geehrte Kolleginnen und Kollegen,

in den Gremiensitzungen unseres Verbandes kommt derzeit eine Frage immer wieder: Was kostet die Nachnutzung von EfA-Diensten die Kommune – heute und in fünf Jahren?

Zur Erinnerung: Kommunen können Onlinedienste aus dem FIT-Store nicht selbst abrufen, dazu sind nur Bund und Länder berechtigt. Das Land schließt also den Nachnutzungsvertrag und stellt den Dienst seinen Kommunen bereit. Wie die Betriebs- und Weiterentwicklungskosten dann verteilt werden, regelt jedes Land selbst.

Uns sind bisher drei Modelle begegnet:

| Modell | Wer zahlt | Vorteil | Nachteil |
|---|---|---|---|
| Landesfinanzierung | das Land vollständig | keine Kosten für Kommunen | hängt vom Landeshaushalt ab |
| Umlage nach Einwohnern | alle Kommunen anteilig | gut planbar | kleine Gemeinden zahlen auch für kaum genutzte Dienste |
| Abrechnung nach Fallzahlen | die nutzende Kommune | verursachergerecht | schwer planbar, Abrechnungsaufwand |

Welche Modelle gelten in Ihrem Land, und welche Erfahrungen haben Sie damit gemacht? Uns interessiert besonders, ob es irgendwo eine verbindliche Zusage über mehrere Jahre gibt.`,
		replies: []demoPost{
			{author: "markus", body: `Bei uns trägt das Land die Betriebskosten der EfA-Dienste derzeit vollständig, zugesagt bis Ende des nächsten Jahres. Für die Zeit danach wird ein Modell mit kommunaler Beteiligung verhandelt; im Gespräch ist eine Umlage nach Einwohnern mit einem Sockelbetrag, der kleine Gemeinden entlastet.

Zur Einordnung: Zwischen den Ländern werden die Kosten eines EfA-Dienstes häufig nach dem Königsteiner Schlüssel aufgeteilt. Für ein einzelnes Land sind die Beträge je Dienst damit gut planbar; schwer kalkulierbar ist eher die Weiterentwicklung.`},
			{author: "pm", body: `Zur Einordnung aus Sicht des Programmmanagements: Der IT-Planungsrat hat 2021 beschlossen, dass EfA-Dienste vorrangig als Software-as-a-Service nachgenutzt werden. Der FIT-Store ist dabei der Marktplatz zwischen Bund und Ländern. Die Weitergabe an die Kommunen und die Finanzierung innerhalb eines Landes sind ausdrücklich Ländersache.

Aktuelle Informationen zum FIT-Store und zu den Nachnutzungsbedingungen veröffentlicht die FITKO auf https://www.fitko.de.`},
			{author: "thomas", body: `> kleine Gemeinden zahlen auch für kaum genutzte Dienste

Genau das ist unser Problem. Wir haben im Jahr vielleicht fünf Anträge auf einen Fischereischein oder eine Sondernutzungserlaubnis, sollen aber genauso pro Einwohner mitzahlen wie eine Stadt, die den Dienst intensiv nutzt. Ein Sockelbetrag wäre für uns eine echte Verbesserung.`},
			{author: "selin", body: `Aus Sicht einer mittelgroßen Stadt ist die Abrechnung nach Fallzahlen nicht so schlimm, wie sie in der Tabelle aussieht: Die Fallzahlen kennen wir aus den Fachverfahren ohnehin. Entscheidend ist, dass die Preise pro Fall für mindestens drei Jahre feststehen. Sonst können wir nichts in den Haushalt einstellen.`},
			{author: "heiko", body: `Vielen Dank für die Rückmeldungen. Ich fasse für unseren nächsten Austausch mit dem Land zusammen:

1. Eine verbindliche Zusage über mehrere Haushaltsjahre ist wichtiger als das konkrete Modell.
2. Bei einer Umlage braucht es einen Sockel oder eine Staffel, damit kleine Gemeinden nicht überproportional belastet werden.
3. Preise pro Fall müssen mindestens drei Jahre stabil sein.

Wenn jemand Ergänzungen hat, gern bis Ende des Monats hier im Thema.`},
		},
	},
	{
		field:  "plattformen-basisdienste",
		kind:   store.KindQuestion,
		title:  "BundID / Nutzerkonto: Postfachnachrichten kommen nicht an",
		author: "selin",
		body: `Wir versenden die Bescheide zum Anwohnerparkausweis seit Kurzem an das Postfach des Nutzerkontos. Laut unserem System wurden die Nachrichten erfolgreich übermittelt, aber mehrere Bürgerinnen und Bürger melden, dass bei ihnen nichts angekommen ist.

Hat jemand ein ähnliches Problem gehabt? Ich weiß ehrlich gesagt nicht, wo ich mit der Fehlersuche anfangen soll.`,
		accept: 1,
		replies: []demoPost{
			{author: "anna", up: []string{"selin", "thomas", "lena", "julia", "mod", "frank"}, body: `Ja, mehrfach. Unsere Checkliste, bevor wir einen Fehler beim Betreiber melden:

1. **Wurde der Antrag mit Anmeldung gestellt?** Ohne Login gibt es keine Verbindung zum Postfach, die Nachricht kann nicht zugeordnet werden.
2. **Hat die Person mehrere Konten?** Manche melden sich einmal mit dem Online-Ausweis und ein anderes Mal mit dem ELSTER-Zertifikat an und landen in zwei verschiedenen Konten.
3. **Ist eine E-Mail-Adresse hinterlegt?** Die Nachricht liegt zwar im Postfach, aber ohne Benachrichtigung sieht niemand nach. Auch der Spam-Ordner ist ein Klassiker.
4. **Größe und Format der Anhänge**: Bei uns war einmal ein Bescheid mit eingebetteten Scans schlicht zu groß.

In unserer Erfahrung erklären Punkt 2 und 3 die allermeisten Fälle.`},
			{author: "pm", up: []string{"anna", "selin"}, body: `Danke für die gute Checkliste. Wenn Sie Fälle haben, bei denen alle vier Punkte nachweislich ausgeschlossen sind, melden Sie diese bitte mit Zeitpunkt und technischer Vorgangsnummer über den Support-Weg Ihres Landes. Bitte stellen Sie keine personenbezogenen Daten hier ins Forum. Ich nehme das Thema außerdem in unsere nächste Abstimmung mit dem Betrieb des Nutzerkontos mit.`},
			{author: "selin", body: `**Anna Nowak** schrieb:

> Hat die Person mehrere Konten?

Das war es in zwei von drei Fällen, beim dritten fehlte die E-Mail-Benachrichtigung. Wir haben jetzt einen Hinweis in die Eingangsbestätigung aufgenommen: „Bitte melden Sie sich zum Abruf Ihres Bescheids immer mit derselben Methode an wie bei der Antragstellung.“ Vielen Dank!`},
		},
	},
	{
		field:  "querschnitt",
		kind:   store.KindQuestion,
		title:  "Barrierefreiheit der Antragsformulare (BITV 2.0)",
		author: "lena",
		body: `Unsere Antragsformulare laufen über den Formularserver unseres IT-Dienstleisters. Nach einem Hinweis aus der Bürgerschaft haben wir festgestellt, dass mehrere Formulare mit Screenreader kaum bedienbar sind.

Bevor wir alles überarbeiten, würde ich gern verstehen:

- Wer ist eigentlich verantwortlich – wir als Kommune, der Dienstleister oder der Hersteller des Formularservers?
- Braucht jedes Formular eine eigene Erklärung zur Barrierefreiheit, oder reicht eine für das Portal?
- Wie prüfen Sie Formulare, bevor sie online gehen? Gibt es einfache Prüfschritte, die auch Fachämter selbst durchführen können?`,
		accept: 1,
		replies: []demoPost{
			{author: "heiko", up: []string{"lena", "frank", "markus", "julia"}, body: `Zur Rechtslage ein Hinweis vorab: Die BITV 2.0 ist Bundesrecht und gilt unmittelbar für Bundesbehörden. Für Kommunen gelten die Landesgesetze zur Barrierefreiheit, die aber fast überall auf die BITV 2.0 beziehungsweise die Norm EN 301 549 verweisen. Praktisch heißt das: WCAG 2.1 auf Stufe AA.

Verantwortlich gegenüber den Nutzenden ist die öffentliche Stelle, die das Angebot bereitstellt, also Ihre Stadt. Mit dem Dienstleister sollten Sie die Barrierefreiheit vertraglich absichern. Die Erklärung zur Barrierefreiheit kann für das Portal gemeinsam erstellt werden, muss aber die bekannten Mängel einzelner Formulare benennen.

Gute Einstiegsinformationen bietet die Bundesfachstelle Barrierefreiheit: https://www.bundesfachstelle-barrierefreiheit.de`},
			{author: "anna", up: []string{"lena", "thomas", "selin", "julia", "heiko", "mod"}, body: `Aus Dienstleistersicht: Unsere Formularvorlagen testen wir vor jeder Version nach einem festen Prüfverfahren. Die meisten Probleme entstehen aber beim Zusammenbau der Formulare in den Fachämtern. Die häufigsten Fehler, die wir sehen:

- Pflichtfelder nur farbig markiert
- Hilfetexte als Bild statt als Text
- Fehlermeldungen ohne Bezug zum Feld („Bitte Eingaben prüfen“)
- Auswahllisten mit mehreren hundert Einträgen ohne Suchfunktion

Für die Fachämter haben wir eine einseitige Checkliste; wer sie haben möchte, kann mir gern schreiben.`},
			{author: "lena", body: `**Anna Nowak** schrieb:

> Pflichtfelder nur farbig markiert

Genau das hat uns der Nutzer gemeldet, der den Stein ins Rollen gebracht hat. Die Checkliste hätte ich sehr gern, vielen Dank!`},
			{author: "pm", up: []string{"anna", "heiko"}, body: `Ergänzend für die EfA-Dienste: Barrierefreiheit gehört zu den Qualitätskriterien, die die Dienste erfüllen müssen. Wenn Ihnen bei einem nachgenutzten EfA-Dienst Mängel auffallen, melden Sie diese bitte über Ihre Landeskoordinierung an das betreibende Land. Nur so landen sie im Backlog des Dienstes und werden für alle behoben.`},
		},
	},
	{
		field:  "allgemeiner-austausch",
		title:  "Wie organisiert ihr das Projektmanagement für OZG-Leistungen im Landkreis?",
		author: "julia",
		body: `Hallo zusammen,

in unserem Landkreis sind elf Fachdienste an der OZG-Umsetzung beteiligt, und nach unserer Zählung betrifft das rund 200 Leistungen. Derzeit gibt es eine zentrale Koordinatorin (mich) und in jedem Fachdienst eine Ansprechperson, die dafür aber kaum Zeit hat.

Mich würde interessieren, wie ihr das organisiert:

- Wie priorisiert ihr, welche Leistungen zuerst digitalisiert werden?
- Mit welchen Werkzeugen steuert ihr das (Projektplan, Kanban-Board, Tabelle)?
- Wie berichtet ihr an die Verwaltungsspitze und den Kreistag?

Ich freue mich über jede Erfahrung, auch über gescheiterte Ansätze.`,
		replies: []demoPost{
			{author: "mod", body: `Bei uns im Landkreis Lindenau sieht es so aus:

- **Organisation**: Eine Stabsstelle Digitalisierung mit drei Vollzeitstellen beim Landrat. In jedem Fachdienst gibt es eine Digitalisierungslotsin oder einen -lotsen mit 10 % Freistellung.
- **Priorisierung**: Fallzahl mal erwarteter Entlastung, geteilt durch den Aufwand. Das ist grob, aber nachvollziehbar, und niemand muss sich zurückgesetzt fühlen.
- **Werkzeug**: Ein einfaches Kanban-Board mit den Spalten „Idee“, „in Klärung“, „in Umsetzung“, „live“ und „wird genutzt“. Die letzte Spalte ist uns wichtig: live heißt noch nicht, dass jemand den Dienst nutzt.
- **Bericht**: Quartalsweise eine Seite für den Verwaltungsvorstand, halbjährlich im zuständigen Ausschuss des Kreistags.`},
			{author: "thomas", body: `Die Sicht einer kleinen Gemeinde: Bei uns bin ich das Projektmanagement, die Lotsenrolle und die Berichterstattung in einer Person. Wir können nur funktionieren, weil der Landkreis und unser IT-Dienstleister viel vorbereiten.

Eine Bitte an die Landkreise: Wenn ihr Vorlagen für Priorisierung und Berichte habt, teilt sie mit euren Gemeinden. Das spart uns enorm viel Zeit.`},
			{author: "julia", body: `**Jörg Pfeiffer** schrieb:

> In jedem Fachdienst gibt es eine Digitalisierungslotsin oder einen -lotsen mit 10 % Freistellung.

Wie habt ihr die Freistellung durchgesetzt? Bei uns scheitert es genau daran, dass die Fachdienstleitungen keine Kapazität abgeben wollen.`},
			{author: "mod", body: `Ehrlich gesagt nur über einen Beschluss des Verwaltungsvorstands. Überzeugt hat am Ende eine Rechnung aus dem Bauamt: Durch den Digitalen Bauantrag spart die Vorprüfung dort rund eine halbe Stelle. Wenn die Lotsen-Stunden sichtbar etwas bringen, wird die Diskussion leichter.

Und zur Bitte von Herrn Brandt: guter Punkt. Ich stelle unsere Vorlagen für Priorisierung und Quartalsbericht in den nächsten Tagen hier ein.`},
			{author: "heiko", body: `Für alle, die tiefer einsteigen wollen: Die KGSt hat zum Thema Steuerung der Verwaltungsdigitalisierung mehrere Berichte veröffentlicht, die für Mitglieder unter https://www.kgst.de abrufbar sind. Viele der hier beschriebenen Ansätze finden sich dort wieder – mit Beispielen aus unterschiedlich großen Kommunen.`},
		},
	},
	{
		field:  "allgemeiner-austausch",
		kind:   store.KindQuestion,
		title:  "Kommunalgremium des IT-Planungsrats: Wie bringen wir Bedarfe ein?",
		author: "thomas",
		body: `Ich habe gelesen, dass es beim IT-Planungsrat ein Kommunalgremium gibt, das die kommunalen Bedarfe bündeln soll. Wie kommt eine kleine Gemeinde dort überhaupt zu Wort?

Hintergrund: Uns fehlt bei mehreren EfA-Diensten eine Rückmeldung an den Antragsteller, wenn der Antrag im Fachverfahren angekommen ist. Das betrifft sicher nicht nur uns. Wo und in welcher Form sollten wir so etwas einbringen?`,
		accept: 1,
		replies: []demoPost{
			{author: "heiko", up: []string{"thomas", "julia", "lena", "selin", "mod"}, body: `Gute Frage. Zum Hintergrund: Das Kommunalgremium wurde 2019 vom IT-Planungsrat beschlossen und hat sich im Sommer 2020 konstituiert. Es hat 14 Mitglieder unter dem Vorsitz der FITKO:

- je drei Vertreterinnen und Vertreter der Landkreise, der Städte sowie der Städte und Gemeinden (jeweils einschließlich ihres Spitzenverbandes),
- drei Vertreter von VITAKO, der Bundes-Arbeitsgemeinschaft der kommunalen IT-Dienstleister,
- zwei Vertreter der KGSt.

Einzelne Gemeinden sind also nicht direkt vertreten. Der Weg führt über Ihren Spitzenverband: Schicken Sie uns als Landesverband den Bedarf, wir bündeln ihn und geben ihn weiter.

Hilfreich ist eine kurze Beschreibung mit vier Punkten: Was ist das Problem? Welche Leistungen sind betroffen? Wie viele Kommunen betrifft es vermutlich? Gibt es einen Lösungsvorschlag?`},
			{author: "pm", up: []string{"heiko", "thomas", "anna"}, body: `Ergänzend: Das Kommunalgremium ist ein wichtiger, aber nicht der einzige Weg. Fachliche Mängel an einem konkreten EfA-Dienst – wie die fehlende Eingangsbestätigung, die Sie beschreiben – sind beim betreibenden Land und dem themenfederführenden Team am besten aufgehoben, weil sie dort direkt in die Weiterentwicklung einfließen. Das Kommunalgremium befasst sich eher mit übergreifenden Fragen, die viele Dienste oder die Zusammenarbeit der Ebenen betreffen.

Informationen zum IT-Planungsrat und seinen Gremien finden Sie unter https://www.it-planungsrat.de.`},
			{author: "thomas", body: `> Hilfreich ist eine kurze Beschreibung mit vier Punkten

Danke, das mache ich so. Ich schreibe es für die fehlende Eingangsbestätigung auf und schicke es an den Landesverband – und parallel über die Landeskoordinierung an das betreibende Land.`},
			{author: "mod", up: []string{"julia"}, body: `Vorschlag aus der Moderation: Wenn Sie mögen, stellen Sie die Bedarfsbeschreibung auch hier ein. Andere Kommunen können dann ergänzen, dass sie betroffen sind. Ein Bedarf, hinter dem zwanzig Kommunen stehen, hat in jedem Gremium mehr Gewicht als einer von einer einzelnen Gemeinde.`},
		},
	},
	{
		field:  "steuern-zoll",
		title:  "Hundesteuer-Anmeldung online",
		author: "anna",
		body: `Wir bauen für unsere Mitgliedskommunen ein gemeinsames Onlineformular für die An- und Abmeldung zur Hundesteuer. Bevor wir loslegen, würden wir gern von Ihnen hören, was sich bewährt hat und was fehlt.

Unser Entwurf für die Anmeldung:

- Angaben zur haltenden Person und zur Anschrift
- Angaben zum Hund: Rasse, Geburtsdatum, Beginn der Haltung, Chipnummer
- bisherige Haltung in einer anderen Gemeinde (mit Upload der Abmeldebestätigung)
- Ermäßigungs- oder Befreiungsgründe mit Nachweis-Upload
- SEPA-Lastschriftmandat (optional)

Die Daten sollen strukturiert in das Steuerfachverfahren übernommen werden. Fehlt etwas Wichtiges?`,
		replies: []demoPost{
			{author: "thomas", body: `Zwei Dinge aus der Praxis:

1. **Satzung prüfen!** In unserer Hundesteuersatzung stand, dass der Hund „schriftlich anzumelden“ ist. Unser Rechtsamt hat empfohlen, das zur Sicherheit auf „schriftlich oder elektronisch“ zu ändern. Das ist kein großer Aufwand, muss aber in den Gemeinderat.
2. **Gefährliche Hunde**: Wenn Ihre Satzungen einen erhöhten Steuersatz für gefährliche Hunde vorsehen, sollte das Formular danach fragen und gegebenenfalls die Erlaubnis der Ordnungsbehörde als Nachweis verlangen.`},
			{author: "lena", body: `Bei der Abmeldung fragen Sie bitte nach dem Grund (Tod des Hundes, Abgabe, Umzug) und erlauben Sie den Upload eines Nachweises, etwa der Bescheinigung der Tierarztpraxis oder des Abgabevertrags. Unser Steueramt hat uns außerdem gebeten, ein Feld für die Rückgabe der Steuermarke aufzunehmen – die meisten werfen sie sonst einfach weg.`},
			{author: "anna", body: `Danke Ihnen beiden, das nehmen wir auf. Die Satzungsfrage schreiben wir ausdrücklich in die Einführungshinweise für die Gemeinden, damit niemand ohne passende Satzung startet. Die erste Testversion gibt es voraussichtlich in sechs Wochen; wer mittesten möchte, melde sich gern.`},
		},
	},
	{
		field:  "unternehmensfuehrung",
		kind:   store.KindQuestion,
		title:  "Gewerbeanmeldung über das Unternehmenskonto",
		author: "selin",
		body: `Seit unserem Anschluss an den Onlinedienst für Gewerbeanzeigen kommen Gewerbeanmeldungen auch von Unternehmen, die sich mit dem Unternehmenskonto anmelden. Grundsätzlich läuft das gut, zwei Fragen sind aber offen:

1. **Vertretung**: Immer häufiger melden Steuerberatungskanzleien für ihre Mandanten an. Wie prüfen Sie die Vollmacht?
2. **Weiterleitung**: Die Daten kommen im XGewerbeanzeige-Format in unser Fachverfahren. Läuft die Weiterleitung an die empfangsberechtigten Stellen nach § 14 GewO (IHK, Handwerkskammer, Finanzamt und so weiter) bei Ihnen automatisch?`,
		replies: []demoPost{
			{author: "anna", up: []string{"selin", "lena", "heiko"}, body: `Zur Weiterleitung: Ja, die läuft bei unseren Kommunen aus dem Fachverfahren heraus genauso wie bei Papieranzeigen, sobald die Anzeige dort erfasst ist. Der Vorteil der Online-Anzeige ist, dass die Daten bereits strukturiert vorliegen und nicht abgetippt werden müssen. Achten Sie darauf, dass die Version des XGewerbeanzeige-Standards im Onlinedienst und im Fachverfahren zusammenpasst; bei einem Versionswechsel hatten wir einmal eine Woche lang Importfehler.`},
			{author: "markus", up: []string{"selin", "julia", "anna"}, down: []string{"frank"}, body: `Zur Vertretung: Wie Bevollmächtigungen im Unternehmenskonto abgebildet werden, ist nach unserem Kenntnisstand noch nicht in allen Konstellationen einheitlich gelöst. Bis dahin empfehlen wir im Land, bei Anmeldungen durch Dritte eine Vollmacht als Anlage zu verlangen – das Formular sieht dafür einen Upload vor.`},
			{author: "thomas", body: `Kleine Zwischenfrage: Wir haben rund 150 Gewerbeanzeigen im Jahr und machen noch alles auf Papier. Lohnt sich der Anschluss für so eine Größenordnung überhaupt?`},
			{author: "selin", up: []string{"thomas", "lena"}, body: `**Thomas Brandt** schrieb:

> Lohnt sich der Anschluss für so eine Größenordnung überhaupt?

Ich würde sagen ja, aber weniger wegen der Zeitersparnis bei Ihnen. Die Gewerbetreibenden erwarten es inzwischen, und die Daten kommen vollständiger an: Pflichtangaben werden im Formular geprüft, Rückfragen wegen fehlender Angaben sind bei uns deutlich seltener geworden.`},
		},
	},
	{
		field:  "querschnitt",
		kind:   store.KindQuestion,
		title:  "Datenschutz-Folgenabschätzung für EfA-Dienste",
		author: "frank",
		body: `Unsere Verwaltungsleitung möchte für jeden EfA-Dienst eine Datenschutz-Folgenabschätzung nach Art. 35 DSGVO sehen, bevor er freigeschaltet wird. Das Problem: Der Onlinedienst wird von einem anderen Land betrieben, und wir sehen die Verarbeitung dort gar nicht vollständig.

Meine Fragen an die Runde:

1. Wer ist für die DSFA zuständig – das betreibende Land, unser Land oder wir als Kommune?
2. Gibt es Musterunterlagen, auf denen wir aufsetzen können?
3. Braucht jeder Dienst eine eigene DSFA, oder reicht eine für die Plattform plus eine Schwellwertanalyse je Dienst?`,
		edit: `Unsere Verwaltungsleitung möchte für jeden EfA-Dienst eine Datenschutz-Folgenabschätzung nach Art. 35 DSGVO sehen, bevor er freigeschaltet wird. Das Problem: Der Onlinedienst wird von einem anderen Land betrieben, und wir sehen die Verarbeitung dort gar nicht vollständig.

Meine Fragen an die Runde:

1. Wer ist für die DSFA zuständig – das betreibende Land, unser Land oder wir als Kommune?
2. Gibt es Musterunterlagen, auf denen wir aufsetzen können?
3. Braucht jeder Dienst eine eigene DSFA, oder reicht eine für die Plattform plus eine Schwellwertanalyse je Dienst?

**Nachtrag:** Die Musterunterlagen, die uns das Land inzwischen geschickt hat, decken nur den Onlinedienst bis zum Zustellpunkt ab. Die Abholung und die Übernahme ins Fachverfahren müssen wir selbst beschreiben – dafür nutzen wir jetzt die Bausteine unseres IT-Dienstleisters (siehe unten).`,
		accept: 1,
		replies: []demoPost{
			{author: "markus", up: []string{"frank", "anna", "julia", "lena", "mod"}, body: `In unserem Land ist es so geregelt: Das betreibende Land erstellt die DSFA für den Onlinedienst selbst und stellt sie den nachnutzenden Ländern zur Verfügung; wir geben sie an die Kommunen weiter. Für die Verarbeitung ab dem Zustellpunkt – Abholung, Fachverfahren, E-Akte – sind Sie als Kommune verantwortlich.

Rechtlich ist die Zusammenarbeit je nach Land unterschiedlich gestaltet, teils als Auftragsverarbeitung, teils als gemeinsame Verantwortlichkeit nach Art. 26 DSGVO. Welche Variante gilt, sollte im Nachnutzungsvertrag Ihres Landes stehen.`},
			{author: "anna", up: []string{"frank", "selin", "thomas", "mod"}, body: `Für die Strecke ab dem Zustellpunkt stellen wir unseren Mitgliedern Bausteine bereit: eine Verfahrensbeschreibung der Abholkomponente, die technischen und organisatorischen Maßnahmen unseres Rechenzentrums und eine Risikobewertung für die Übertragung. Daraus lässt sich der kommunale Teil der DSFA in wenigen Tagen zusammenstellen.`},
			{author: "frank", up: []string{"markus"}, body: `**Markus Hoffmann** schrieb:

> Für die Verarbeitung ab dem Zustellpunkt – Abholung, Fachverfahren, E-Akte – sind Sie als Kommune verantwortlich.

Das deckt sich mit meiner Einschätzung. Damit ist Frage 3 für mich auch beantwortet: eine DSFA für die gemeinsame Strecke ab dem Zustellpunkt, die wir für alle Dienste mit demselben Fachverfahren nutzen, ergänzt um eine kurze Schwellwertanalyse je Dienst. Frau Nowak, die Bausteine nehme ich sehr gern.`},
			{author: "pm", up: []string{"frank", "julia"}, body: `Ein Hinweis noch: Für einige EfA-Dienste haben die themenfederführenden Länder Musterunterlagen zum Datenschutz veröffentlicht. Fragen Sie am besten bei Ihrer Landeskoordinierung nach, was für den jeweiligen Dienst vorliegt – das erspart viel doppelte Arbeit.`},
		},
	},
	{
		field:  "ein-auswanderung",
		title:  "Onlinedienst Aufenthaltstitel: Rückmeldungen der Ausländerbehörden erbeten",
		author: "markus",
		body: `Sehr geehrte Damen und Herren,

das Land plant, den Onlinedienst zur Beantragung und Verlängerung von Aufenthaltstiteln ab dem kommenden Quartal allen Ausländerbehörden bereitzustellen. Bevor wir die Einführung planen, möchten wir Ihre Erfahrungen und Erwartungen aufnehmen:

- Soll die Terminvergabe in den Onlinedienst integriert werden, oder nutzen Sie ein eigenes Terminsystem weiter?
- Welche Unterlagen sollten zwingend hochgeladen werden, bevor ein Antrag abgeschickt werden kann?
- Welche Fachverfahren sind bei Ihnen im Einsatz?

Ihre Rückmeldungen fließen in den Einführungsplan ein. Vielen Dank!`,
		replies: []demoPost{
			{author: "julia", body: `Aus der Ausländerbehörde des Landkreises Nordheide: Unser größtes Problem ist nicht der Antrag, sondern die Terminkapazität. Wenn der Onlinedienst einfach mehr Anträge erzeugt, ohne dass wir sie schneller bearbeiten können, verschieben wir das Problem nur.

Was uns wirklich helfen würde, ist eine Vollständigkeitsprüfung vor dem Absenden: gültiger Pass, aktuelles Foto, Nachweis der Krankenversicherung und Einkommensnachweise. Dann brauchen wir pro Fall oft nur noch einen Termin statt zwei.`},
			{author: "selin", body: `Bei uns in Grünhagen kommen viele Unterlagen als Handyfoto an, teilweise kaum lesbar. Eine Qualitätsprüfung beim Upload (Mindestauflösung, Hinweis bei schiefen oder unscharfen Fotos) würde uns viel Nacharbeit ersparen. Und bitte: Übersetzungen der Ausfüllhilfe mindestens ins Englische, Arabische, Ukrainische und Türkische.`},
			{author: "markus", body: `Vielen Dank, das sind sehr konkrete Hinweise. Die Vollständigkeitsprüfung vor dem Absenden und die Upload-Qualität nehme ich als Anforderung mit. Zu den Sprachen kläre ich, was der Dienst bereits kann; ich melde mich hier dazu.`},
		},
	},
	{
		field:  "gesundheit",
		kind:   store.KindQuestion,
		title:  "Belehrung nach § 43 IfSG online – wer hat es umgesetzt?",
		author: "julia",
		body: `Unser Gesundheitsamt möchte die Erstbelehrung nach § 43 Infektionsschutzgesetz für Beschäftigte im Lebensmittelbereich online anbieten: Video, Verständnisfragen, danach die Bescheinigung als PDF.

Offene Punkte bei uns:

- Wie stellen Sie fest, dass die Person, die das Video ansieht, auch die Person auf der Bescheinigung ist?
- Wie lösen Sie die Gebührenzahlung?
- Bieten Sie das Video in mehreren Sprachen an?`,
		replies: []demoPost{
			{author: "mod", up: []string{"julia", "selin", "lena"}, body: `Wir bieten die Online-Belehrung seit drei Jahren an. Eine Identifizierung mit dem Online-Ausweis haben wir bewusst nicht eingeführt; die Hürde wäre für die Zielgruppe zu hoch gewesen. Stattdessen steht auf der Bescheinigung ein Hinweis, dass der Arbeitgeber sie bei Arbeitsantritt zusammen mit einem Ausweisdokument prüft. Die Gebühr wird vor dem Start des Videos über die ePayment-Plattform bezahlt.

Sprachen: Deutsch, Englisch, Türkisch, Arabisch, Rumänisch und Polnisch. Die Nachfrage nach Rumänisch und Polnisch hat uns überrascht, sie ist inzwischen höher als bei Englisch.`},
			{author: "frank", up: []string{"julia", "mod", "anna", "thomas"}, body: `Aus Datenschutzsicht ein Tipp: Speichern Sie nach Ausstellung der Bescheinigung nur, was für einen späteren Nachweis nötig ist (Name, Geburtsdatum, Datum der Belehrung, Nummer der Bescheinigung). Antworten auf die Verständnisfragen und Nutzungsdaten des Videos brauchen Sie danach nicht mehr; legen Sie für sie eine kurze Löschfrist fest.`},
		},
	},
	{
		field:  "bildung",
		kind:   store.KindQuestion,
		title:  "Schulanmeldung digital: Übergabe an die Schulverwaltungssoftware",
		author: "thomas",
		body: `Wir sind Schulträger einer Grundschule und würden die Anmeldung der Schulanfängerinnen und Schulanfänger gern online anbieten. Die Schule arbeitet mit der Schulverwaltungssoftware des Landes.

Hat jemand Erfahrung damit, wie die Daten aus einem Onlineformular in die Schulverwaltungssoftware kommen, ohne dass das Sekretariat alles abtippt? Und wie gehen Sie damit um, dass eigentlich beide Sorgeberechtigten zustimmen müssen?`,
		replies: []demoPost{
			{author: "anna", up: []string{"thomas", "julia"}, body: `Die Schulverwaltungssoftware in Ihrem Land hat nach unserer Kenntnis keine Online-Schnittstelle, aber einen Import für Schülerstammdaten. Wir erzeugen aus dem Formular deshalb eine Importdatei, die das Sekretariat einmal pro Woche einspielt. Das ist nicht elegant, spart aber das Abtippen. Wichtig ist die Abstimmung der Feldinhalte mit der Schule, zum Beispiel bei der Schreibweise von Staatsangehörigkeiten.`},
			{author: "lena", up: []string{"thomas", "julia", "selin"}, down: []string{"frank"}, body: `Zur Zustimmung beider Sorgeberechtigten: Wir fragen im Formular ab, ob das Sorgerecht gemeinsam ausgeübt wird. Wenn ja, bestätigt die anmeldende Person, dass der andere Elternteil einverstanden ist, und gibt dessen Kontaktdaten an. Die Schule kann bei Zweifeln nachfragen. Das hat unser Rechtsamt so mitgetragen; in strittigen Fällen erfolgt die Anmeldung weiterhin persönlich.`},
		},
	},
	{
		field:  "umwelt",
		title:  "Sperrmüllanmeldung online: Eigenlösung oder Landesportal?",
		author: "mod",
		body: `Unser Abfallwirtschaftsbetrieb bietet die Sperrmüllanmeldung bisher per Telefon und Postkarte an. Der Betrieb würde gern eine eigene Online-Terminbuchung mit Kartenansicht der Abfuhrbezirke einführen; die Kreisverwaltung würde lieber das Formular aus dem Landesportal nutzen, damit alles an einer Stelle ist.

Hat jemand beides verglichen? Mich interessieren vor allem die Nutzungszahlen und die Anbindung an die Tourenplanung.`,
		replies: []demoPost{
			{author: "thomas", body: `Aus Sicht einer kreisangehörigen Gemeinde: Die Leute rufen bei Sperrmüll zuerst im Rathaus an, nicht beim Landkreis. Egal welche Lösung Sie wählen, bitte geben Sie uns einen Link, den wir auf der Gemeinde-Website prominent einbinden können.`},
			{author: "anna", body: `Wir betreuen zwei Abfallbetriebe, einer mit Eigenlösung und einer mit Landesformular. Die Eigenlösung wird deutlich häufiger genutzt, weil die Bürgerinnen und Bürger sofort einen Termin bekommen. Beim Formular kommt der Termin erst Tage später per Post. Entscheidend ist also weniger die Plattform als die direkte Anbindung an die Tourenplanung.`},
		},
	},
	{
		field:  "recht-ordnung",
		title:  "Online-Fundbüro – lohnt sich das für kleine Gemeinden?",
		author: "heiko",
		body: `Mehrere unserer Mitgliedsgemeinden fragen, ob sich ein Online-Fundbüro lohnt – also Verlustanzeige online, Suche in den Fundsachen und eventuell die Versteigerung nicht abgeholter Fundsachen über eine Online-Plattform, wie es einige größere Städte vormachen.

Bei Gemeinden mit 30 bis 50 Fundsachen im Jahr sind die Verantwortlichen skeptisch. Gibt es Erfahrungen mit interkommunalen Lösungen?`,
		replies: []demoPost{
			{author: "thomas", body: `Wir nutzen seit letztem Jahr ein gemeinsames Online-Fundbüro, das der Landkreis für alle Gemeinden eingerichtet hat. Jede Gemeinde pflegt ihre eigenen Fundsachen, die Bürgerinnen und Bürger suchen aber kreisweit. Für uns ist das ideal: Fundsachen tauchen oft nicht dort auf, wo sie verloren wurden. Die Kosten teilen sich die Gemeinden nach Einwohnerzahl; für uns ist das ein niedriger dreistelliger Betrag im Jahr.`},
			{author: "selin", body: `Eine Online-Verlustanzeige lohnt sich schon wegen der Telefonate: Seit wir sie haben, sind die Anrufe im Fundbüro um etwa ein Drittel zurückgegangen. Die Versteigerung machen wir über eine etablierte Plattform für Behördenauktionen. Für kleine Gemeinden würde ich das eher gemeinsam organisieren, der Aufwand pro Einstellung ist nicht zu unterschätzen.`},
		},
	},
	{
		field:  "allgemeiner-austausch",
		title:  "Virtueller Erfahrungsaustausch „OZG im ländlichen Raum“ – Fragen vorab",
		author: "mod",
		body: `Liebe Kolleginnen und Kollegen,

am kommenden Donnerstag findet von 10 bis 12 Uhr unser virtueller Erfahrungsaustausch „OZG im ländlichen Raum“ statt. Die Einwahldaten erhalten alle Angemeldeten per E-Mail.

Geplanter Ablauf:

1. Kurzvortrag: Wie der Landkreis Lindenau seine Gemeinden bei der OZG-Umsetzung unterstützt
2. Bericht einer Gemeinde: Gemeinsames Online-Fundbüro
3. Offene Runde mit Fragen aus diesem Thema

Sammeln Sie Ihre Fragen gern schon hier – dann können sich die Referierenden vorbereiten.`,
		replies: []demoPost{
			{author: "thomas", body: `Gern berichte ich unter Punkt 2 vom gemeinsamen Fundbüro. Meine Frage für die offene Runde: Wie gehen andere Landkreise mit den Kosten um, wenn sie Lösungen für ihre Gemeinden bereitstellen – Umlage, Einzelabrechnung oder gar nicht?`},
			{author: "selin", body: `Frage für die offene Runde: Gibt es Landkreise, die für ihre Gemeinden die Zuständigkeitspflege im Redaktionssystem übernehmen? Bei uns hängen daran viele Fehler im Routing.`},
			{author: "pm", body: `Das Programmmanagement ist mit zwei Kolleginnen dabei. Wir nehmen Fragen, die sich an Bund und Länder richten, gern mit und antworten im Nachgang hier im Forum.`},
			{author: "mod", body: `Vielen Dank an alle, die dabei waren – mit über 60 Teilnehmenden war der Austausch gut besucht. Die Folien und ein kurzes Ergebnisprotokoll erhalten alle Angemeldeten per E-Mail.

Die offenen Fragen zu Kosten und zur Zuständigkeitspflege haben wir als eigene Themen in den passenden Themenfeldern aufgegriffen, damit sie auffindbar bleiben. Ich schließe dieses Thema daher; bitte diskutieren Sie dort weiter.`},
		},
		lockedBy: "mod",
	},
	{
		field:  "plattformen-basisdienste",
		kind:   store.KindQuestion,
		title:  "FIT-Connect: Brauchen wir für jede Leistung einen eigenen Zustellpunkt?",
		author: "julia",
		body: `Unser IT-Dienstleister fragt, wie viele FIT-Connect-Zustellpunkte wir für die Onlinedienste des Landes anlegen wollen. Ehrlich gesagt wissen wir das selbst nicht.

- Brauchen wir für jede Leistung einen eigenen Zustellpunkt, oder reicht einer für den ganzen Landkreis?
- Wer verwaltet dann die Schlüssel – wir oder der Dienstleister?

Für eine kurze Einschätzung wäre ich dankbar.`,
		replies: []demoPost{
			{author: "mod", body: `Frau Krüger, genau diese Fragen hat Frau Nowak im Thema „Erfahrungen mit FIT-Connect Zustellpunkt“ ausführlich beantwortet. Kurzfassung: meist ein Zustellpunkt je Fachverfahren, und der private Schlüssel liegt bei der Stelle, die die Anträge abholt.

Damit die Antworten an einer Stelle bleiben, schließe ich diese Frage als Duplikat. Ergänzungen und Nachfragen bitte dort.`},
		},
		duplicateOf: "Erfahrungen mit FIT-Connect Zustellpunkt",
		duplicateBy: "mod",
	},
	{
		field:  "engagement-hobby",
		kind:   store.KindQuestion,
		title:  "Fischereischein online: Wie prüfen Sie die bestandene Fischerprüfung?",
		author: "julia",
		body: `Wir möchten den Antrag auf den Fischereischein online anbieten. Offen ist bei uns, wie wir die bestandene Fischerprüfung prüfen: Die Prüfungsbescheinigung kommt als Upload, ein Abgleich mit der Stelle, die die Prüfung abgenommen hat, findet nicht statt.

Wie handhaben das andere untere Fischereibehörden? Reicht Ihnen der Upload, oder fragen Sie bei Zweifeln nach? Und gibt es irgendwo schon einen digitalen Nachweis der Prüfung, den man abrufen kann?`,
	},
	{
		field:  "familie-kind",
		kind:   store.KindPM,
		title:  "Wie ist der Stand beim Once-Only-Prinzip für Nachweise?",
		author: "julia",
		asked:  2*day + 3*time.Hour + 12*time.Minute,
		body: `Bei ElterngeldDigital laden die Eltern die Geburtsurkunde und die Einkommensnachweise weiterhin selbst hoch oder schicken sie per Post. Dabei liegt die Geburtsurkunde in vielen Fällen beim Standesamt im eigenen Landkreis vor.

Unsere Kreisverwaltung fragt regelmäßig, wann hier das Once-Only-Prinzip greift, also Behörden Nachweise mit Zustimmung der Antragstellenden direkt beim Register abrufen.

- Gibt es einen Zeitplan, ab wann Nachweise wie die Geburtsurkunde über das National-Once-Only-Technical-System (NOOTS) abgerufen werden können?
- Müssen wir als Kommune dafür schon jetzt etwas vorbereiten, etwa im Standesamt oder in der Elterngeldstelle?`,
		assignee: "pm",
		assigned: 4*time.Hour + 35*time.Minute,
		replies: []demoPost{
			{author: "pm", official: true, after: 2*day + 5*time.Hour + 41*time.Minute, up: []string{"julia", "lena", "frank", "thomas"}, body: `Vielen Dank für Ihre Frage, die uns in ähnlicher Form auch aus anderen Landkreisen erreicht hat.

**Zum Stand:** Die rechtlichen Grundlagen für den Nachweisabruf sind geschaffen, unter anderem mit dem Registermodernisierungsgesetz und den Regelungen zum Nachweisabruf im OZG. Technisch wird das National-Once-Only-Technical-System (NOOTS) schrittweise aufgebaut, und die Register werden nacheinander angebunden. Einen verbindlichen Termin, ab dem die Geburtsurkunde bei ElterngeldDigital automatisch abgerufen wird, können wir heute nicht nennen.

**Was Kommunen jetzt tun können:**

1. Klären Sie mit dem Hersteller Ihrer Standesamtssoftware, wie er die Anbindung an das NOOTS plant.
2. Behalten Sie die Zustimmung im Antragsprozess im Blick: Ein Abruf setzt voraus, dass die Antragstellenden ihn veranlassen oder ihm zustimmen.
3. Bis dahin bleibt der Upload der richtige Weg. Eine Nachfrage per E-Mail oder Telefon beim eigenen Standesamt ersetzt den geregelten Nachweisabruf nicht.

Aktuelle Informationen veröffentlicht das Bundesministerium des Innern unter https://www.onlinezugangsgesetz.de.`},
			{author: "julia", after: 3*day + 2*time.Hour + 7*time.Minute, body: `Vielen Dank, Frau Albers, für die schnelle und klare Antwort. Den Punkt mit der Standesamtssoftware nehme ich in unser nächstes Gespräch mit dem Hersteller mit.`},
		},
	},
	{
		field:  "querschnitt",
		kind:   store.KindPM,
		title:  "Gilt die Nachnutzungspflicht auch für Leistungen, die wir bereits selbst digitalisiert haben?",
		author: "lena",
		asked:  6*day + 2*time.Hour + 48*time.Minute,
		body: `Die Stadt Rheinfurt hat vor einigen Jahren mehrere Leistungen mit eigenen Onlineformularen digitalisiert, darunter die Anzeige von Veranstaltungen und die Sondernutzungserlaubnis. Die Formulare sind an unsere Fachverfahren angebunden und werden gut genutzt.

Nun stellt das Land für einige dieser Leistungen EfA-Dienste bereit, und in der Verwaltung heißt es, wir seien verpflichtet, auf diese umzusteigen.

1. Gibt es eine solche Pflicht, und wenn ja, auf welcher Grundlage?
2. Dürfen wir unsere Eigenlösungen weiterbetreiben, wenn sie an das Nutzerkonto angebunden sind?
3. Wer trägt gegebenenfalls die Kosten der Umstellung?`,
		assignee: "pm",
		assigned: 1*day + 1*time.Hour + 20*time.Minute,
		replies: []demoPost{
			{author: "selin", after: 1*day + 4*time.Hour + 3*time.Minute, up: []string{"lena", "thomas"}, body: `Bei uns in Grünhagen stellt sich dieselbe Frage für das Anwohnerparken. Wir haben viel Arbeit in die Anbindung an unser Fachverfahren gesteckt und würden ungern wieder von vorn anfangen.`},
			{author: "pm", official: true, after: 5*day + 6*time.Hour + 26*time.Minute, editAfter: 9*day + 3*time.Hour + 51*time.Minute,
				up: []string{"lena", "selin", "thomas", "heiko", "julia", "markus"},
				body: `Vielen Dank für die Frage und Ihre Geduld – wir haben die Antwort mit mehreren Ländern abgestimmt.

**Eine allgemeine bundesrechtliche Pflicht, EfA-Dienste nachzunutzen, gibt es für Kommunen nicht.** Das OZG verpflichtet Bund und Länder – und damit auch die Kommunen –, ihre Verwaltungsleistungen auch elektronisch über Verwaltungsportale anzubieten. Mit welcher Lösung das geschieht, schreibt es nicht vor. Das Prinzip „Einer für Alle“ ist eine Verabredung zwischen Bund und Ländern, keine Vorgabe an die einzelne Kommune.

Die Länder können für ihre Kommunen allerdings verbindliche Regelungen treffen, etwa im Landes-E-Government-Gesetz oder in Vereinbarungen mit den kommunalen Spitzenverbänden. Ob es in Ihrem Land eine solche Regelung gibt, klärt am schnellsten Ihre Landeskoordinierung.

Zu Ihren Fragen im Einzelnen:

1. **Pflicht:** nur, wenn Ihr Land sie festgelegt hat (siehe oben).
2. **Eigenlösungen:** Sie können weiterbetrieben werden, solange sie die Anforderungen erfüllen, insbesondere die Anbindung an das Nutzerkonto.
3. **Kosten:** Die Umstellung auf einen EfA-Dienst regelt Ihr Land; den Weiterbetrieb einer Eigenlösung trägt die Kommune selbst.`,
				edit: `Vielen Dank für die Frage und Ihre Geduld – wir haben die Antwort mit mehreren Ländern abgestimmt.

**Eine allgemeine bundesrechtliche Pflicht, EfA-Dienste nachzunutzen, gibt es für Kommunen nicht.** Das OZG verpflichtet Bund und Länder – und damit auch die Kommunen –, ihre Verwaltungsleistungen auch elektronisch über Verwaltungsportale anzubieten. Mit welcher Lösung das geschieht, schreibt es nicht vor. Das Prinzip „Einer für Alle“ ist eine Verabredung zwischen Bund und Ländern, keine Vorgabe an die einzelne Kommune.

Die Länder können für ihre Kommunen allerdings verbindliche Regelungen treffen, etwa im Landes-E-Government-Gesetz oder in Vereinbarungen mit den kommunalen Spitzenverbänden. Ob es in Ihrem Land eine solche Regelung gibt, klärt am schnellsten Ihre Landeskoordinierung.

Zu Ihren Fragen im Einzelnen:

1. **Pflicht:** nur, wenn Ihr Land sie festgelegt hat (siehe oben).
2. **Eigenlösungen:** Sie können weiterbetrieben werden, solange sie die Anforderungen erfüllen, insbesondere die Anbindung an das Nutzerkonto.
3. **Kosten:** Die Umstellung auf einen EfA-Dienst regelt Ihr Land; den Weiterbetrieb einer Eigenlösung trägt die Kommune selbst.

**Nachtrag:** Mehrere Kommunen haben gefragt, ob eine Eigenlösung gemeldet werden muss. Ja: Damit Bürgerinnen und Bürger sie finden, muss die Leistung mit dem Link auf Ihr Formular im Redaktionssystem Ihres Landes gepflegt sein; nur dann zeigt der Portalverbund sie an. Stellt Ihr Land für dieselbe Leistung einen EfA-Dienst bereit, stimmen Sie bitte mit der Landesredaktion ab, welcher Zugang für Ihr Gebiet angezeigt wird.`},
			{author: "lena", after: 6*day + 2*time.Hour + 33*time.Minute, body: `Vielen Dank, Frau Albers, das ist eine klare Antwort. Ich habe bei unserer Landeskoordinierung nachgefragt: Eine Pflicht gibt es bei uns nicht, aber die Empfehlung, bei der nächsten größeren Änderung den EfA-Dienst zu prüfen. Damit können wir gut leben.`},
		},
	},
	{
		field:  "plattformen-basisdienste",
		kind:   store.KindPM,
		title:  "Wer trägt die Betriebskosten für EfA-Dienste nach 2026?",
		author: "heiko",
		asked:  14*day + 4*time.Hour + 22*time.Minute,
		body: `In mehreren Ländern ist die Finanzierung des Betriebs der EfA-Dienste nur bis Ende 2026 zugesagt. Unsere Mitgliedskommunen müssen aber jetzt ihre Haushalte für 2027 und die Folgejahre planen.

Im Thema „Kosten der Nachnutzung über den FIT-Store“ haben wir gesammelt, welche Modelle es in den Ländern gibt. Offen bleibt die Frage an Bund und Länder:

1. Gibt es eine Verständigung darüber, wie der Betrieb der EfA-Dienste nach 2026 finanziert wird?
2. Ist eine Beteiligung der Kommunen vorgesehen, und wenn ja, nach welchem Schlüssel?
3. Ab wann können Kommunen mit belastbaren Zahlen rechnen?`,
		assignee: "pm",
		assigned: 3*time.Hour + 5*time.Minute,
		replies: []demoPost{
			{author: "pm", after: 1*day + 2*time.Hour + 14*time.Minute, body: `Vielen Dank, Herr Schulte, ich habe die Frage übernommen. Die Finanzierung nach 2026 wird derzeit zwischen Bund und Ländern beraten. Wir stimmen unsere Antwort mit der FITKO ab und melden uns hier mit einer amtlichen Antwort, sobald wir belastbare Aussagen machen können.`},
			{author: "thomas", after: 1*day + 5*time.Hour + 38*time.Minute, up: []string{"heiko", "selin"}, body: `Danke, dass Sie das aufgreifen. Für kleine Gemeinden ist die Frage entscheidend: Wenn ab 2027 eine Umlage kommt, müssen wir das jetzt im Haushalt einplanen – oder einzelne Dienste wieder abbestellen.`},
		},
	},
	{
		field:  "unternehmensfuehrung",
		kind:   store.KindPM,
		title:  "Wann können Steuerberatungskanzleien Vollmachten im Unternehmenskonto nutzen?",
		author: "selin",
		asked:  4*day + 5*time.Hour + 9*time.Minute,
		body: `Immer mehr Gewerbeanzeigen erreichen uns über Steuerberatungskanzleien, die für ihre Mandanten handeln. Im Unternehmenskonto lässt sich die Vertretung nach unserem Kenntnisstand noch nicht in allen Fällen abbilden. Wir verlangen deshalb die Vollmacht als Anlage und prüfen sie von Hand (siehe das Thema „Gewerbeanmeldung über das Unternehmenskonto“).

- Ist geplant, dass Bevollmächtigungen im Unternehmenskonto hinterlegt und von den Onlinediensten ausgewertet werden?
- Gibt es dafür einen Zeitplan?
- Ist die Vollmacht als Anlage bis dahin auch aus Sicht des Programmmanagements der empfohlene Weg?`,
	},
	{
		field:  "allgemeiner-austausch",
		kind:   store.KindPM,
		title:  "Gibt es eine Übersicht, welche Kommunen welche EfA-Dienste schon anbieten?",
		author: "thomas",
		asked:  18*day + 1*time.Hour + 46*time.Minute,
		body: `Wenn uns Bürgerinnen und Bürger fragen, warum ein Antrag in der Nachbargemeinde online geht und bei uns nicht, wissen wir oft selbst nicht, welche Dienste dort angeschlossen sind.

Gibt es eine öffentliche Übersicht, welche EfA-Dienste in welchen Kommunen verfügbar sind? Und falls nicht: Ist eine geplant? Für unseren Gemeinderat wäre das auch als Argumentationshilfe wertvoll.`,
	},
}
