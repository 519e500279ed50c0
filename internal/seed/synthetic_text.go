package seed

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// German-like text for synthetic data sets: sentences about the OZG built
// from compound nouns (Bauantrag, Wohngeldantrag, Bürgerportal, ...), with
// umlauts and ß, inflected plurals and articles, in Markdown with
// paragraphs, lists, links, inline code and code blocks. The vocabulary
// comes from the domain (the OZG topic fields and the background articles
// on the Kommunalgremium, Vitako and the IT-Planungsrat), so search sees
// the words, stems and compounds real posts have. It is grammatical often
// enough to read like a forum, which is all a benchmark needs.

// head is the last part of a compound: it decides gender and plural.
type head struct {
	sg, pl string
	gender byte // 'm', 'f', 'n'
}

var heads = []head{
	{"antrag", "anträge", 'm'}, {"portal", "portale", 'n'}, {"verfahren", "verfahren", 'n'},
	{"schnittstelle", "schnittstellen", 'f'}, {"konto", "konten", 'n'}, {"dienst", "dienste", 'm'},
	{"leistung", "leistungen", 'f'}, {"bescheid", "bescheide", 'm'}, {"gebühr", "gebühren", 'f'},
	{"behörde", "behörden", 'f'}, {"amt", "ämter", 'n'}, {"register", "register", 'n'},
	{"stelle", "stellen", 'f'}, {"prozess", "prozesse", 'm'}, {"lösung", "lösungen", 'f'},
	{"anbindung", "anbindungen", 'f'}, {"modul", "module", 'n'}, {"formular", "formulare", 'n'},
	{"nachweis", "nachweise", 'm'}, {"prüfung", "prüfungen", 'f'}, {"genehmigung", "genehmigungen", 'f'},
	{"bescheinigung", "bescheinigungen", 'f'}, {"postfach", "postfächer", 'n'}, {"zuständigkeit", "zuständigkeiten", 'f'},
	{"strategie", "strategien", 'f'}, {"übermittlung", "übermittlungen", 'f'}, {"gesetz", "gesetze", 'n'},
	{"förderung", "förderungen", 'f'}, {"schlüssel", "schlüssel", 'm'}, {"größe", "größen", 'f'},
}

// modifiers are the first parts of compounds, with their linking element.
var modifiers = []string{
	"Bau", "Wohngeld", "Bürger", "Melde", "Gewerbe", "Kita", "Eltern", "Führerschein", "Kfz", "Personenstands",
	"Einbürgerungs", "Aufenthalts", "Sozial", "Jugend", "Schul", "Steuer", "Abfall", "Hunde", "Grundsteuer",
	"Verwaltungs", "Daten", "Online", "Digitalisierungs", "Förder", "Landes", "Kommunal", "Fach", "Nutzer",
	"Service", "Zahlungs", "Register", "Bußgeld", "Wasser", "Umwelt", "Gesundheits", "Pflege", "Fischerei",
	"Jagd", "Waffen", "Fundsachen", "Parkausweis", "Unterhaltsvorschuss", "Elterngeld", "Ausbildungsförderungs", "Gebühren",
	"Zuwendungs", "Vergabe", "Wirtschaftsförderungs", "Ausländer", "Straßenverkehrs", "Rundfunkbeitrags",
	"Geburtsurkunden", "Sterbe", "Ehe", "Schornsteinfeger", "Grünflächen", "Baumfäll", "Sondernutzungs",
	"Ordnungs", "Vollzugs", "Gremien", "Portal", "Basis", "Nachnutzungs", "Betriebs",
}

// terms are names and technical words used as they are.
var terms = []string{
	"FIT-Connect", "FIT-Store", "BundID", "XÖV", "XBau", "XMeld", "XPersonenstand", "EfA-Leistung", "EfA-Prinzip",
	"Portalverbund", "ePayBL", "OZG-Rahmenarchitektur", "Nutzerkonto", "Onlinedienst", "DVDV", "Registermodernisierung",
	"OZG 2.0", "eID-Funktion", "Servicekonto", "FIM-Stammtext", "Leika-Schlüssel", "Once-Only-Prinzip",
	"Kommunalgremium", "IT-Planungsrat", "FITKO", "Vitako", "Landkreistag", "Städtetag", "Daseinsvorsorge",
	"Souveränität", "Nachnutzung", "Wissenstransfer", "Vollzugswissen", "Verwaltungsdigitalisierung",
	"Zukunftsstrategie", "Gremienstruktur", "Single Sign-on", "Ende-zu-Ende-Verschlüsselung", "Antragsmanagement",
}

var towns = []string{"Musterstadt", "Schönbach", "Mühlhausen", "Grünfeld", "Bärnau", "Lübbenau", "Höchstädt",
	"Großenhain", "Kleinmünster", "Oberweißbach", "Neuötting", "Füssen", "Jülich", "Nördlingen", "Göttingen",
	"Würzburg", "Lüdenscheid", "Fürstenfeld", "Sömmerda", "Bad Dürkheim", "Ölbronn", "Übach", "Düren", "Eschwege"}

var orgKinds = []struct{ prefix, typ string }{
	{"Landkreis ", "landkreis"}, {"Stadt ", "stadt"}, {"Gemeinde ", "gemeinde"}, {"Kreisstadt ", "stadt"},
	{"Zweckverband IT ", "it-dienstleister"}, {"Kommunale Datenzentrale ", "it-dienstleister"},
	{"Verbandsgemeinde ", "gemeinde"}, {"Städte- und Gemeindebund ", "verband"},
}

var firstNames = []string{"Anna", "Jürgen", "Björn", "Sören", "Jörg", "Käthe", "Günther", "Maria", "Lena", "Paul",
	"Hannah", "Lukas", "Mehmet", "Ayşe", "Olga", "Tobias", "Jana", "Matthias", "Özlem", "Sabine", "Ralf", "Ute",
	"Marén", "Bärbel", "Jens", "Katrin", "Stefan", "Frauke", "Thorsten", "Miriam"}

var lastNames = []string{"Müller", "Schäfer", "Böhm", "Krüger", "Köhler", "Jäger", "Möller", "Schröder", "Weiß",
	"Groß", "Hoffmann", "Schulz", "Becker", "Wagner", "Lehmann", "Großmann", "Schmitz", "Yılmaz", "Kowalski",
	"Hübner", "Fuß", "Lößner", "Brückner", "Dörr", "Keßler", "Vogt", "Zimmermann", "Nowak", "Şahin", "Pätzold"}

var verbsPast = []string{"angebunden", "umgesetzt", "eingeführt", "getestet", "ausgerollt", "beantragt",
	"nachgenutzt", "digitalisiert", "abgestimmt", "geprüft", "migriert", "konfiguriert", "freigeschaltet",
	"übernommen", "priorisiert", "dokumentiert", "ausgeschrieben", "verschlüsselt"}

var adjectives = []string{"digitale", "kommunale", "medienbruchfreie", "föderale", "zentrale", "landesweite",
	"neue", "bisherige", "elektronische", "verbindliche", "barrierefreie", "sichere", "übergreifende", "einheitliche"}

var reasons = []string{
	"der Fachverfahrenshersteller die Schnittstelle erst im nächsten Quartal liefert",
	"die Zuständigkeit zwischen Land und Kommune noch nicht geklärt ist",
	"uns die Mittel aus dem Konjunkturpaket fehlen",
	"die Datenschutzprüfung noch läuft",
	"das Land die EfA-Leistung noch nicht im FIT-Store bereitgestellt hat",
	"der Bescheid weiterhin per Post zugestellt werden muss",
	"die Signaturprüfung bei größeren Anhängen fehlschlägt",
	"wir auf die Registermodernisierung warten",
	"die Gebührenberechnung im Formular noch fehlt",
	"der Rückkanal ins Postfach der BundID noch nicht funktioniert",
}

var months = []string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
	"Oktober", "November", "Dezember"}

var linkTargets = []string{"https://docs.fitko.de/fit-connect/", "https://www.onlinezugangsgesetz.de/",
	"https://www.it-planungsrat.de/", "https://www.xoev.de/", "https://fimportal.de/",
	"https://www.vitako.de/", "https://www.landkreistag.de/", "https://www.dstgb.de/"}

// text draws words and sentences from one random source.
type text struct{ r *rand.Rand }

func (x text) pick(s []string) string { return s[x.r.IntN(len(s))] }

// noun is a compound: modifier + head, in the singular or plural.
type noun struct {
	word   string
	gender byte // 'p' for plural
}

func (x text) noun() noun {
	h := heads[x.r.IntN(len(heads))]
	m := modifiers[x.r.IntN(len(modifiers))]
	if x.r.IntN(3) == 0 {
		return noun{m + h.pl, 'p'}
	}
	return noun{m + h.sg, h.gender}
}

// article returns the definite article for case 'n' (nominative),
// 'a' (accusative) or 'd' (dative).
func article(gender, c byte) string {
	switch c {
	case 'a':
		switch gender {
		case 'm':
			return "den"
		case 'f', 'p':
			return "die"
		}
		return "das"
	case 'd':
		switch gender {
		case 'f':
			return "der"
		case 'p':
			return "den"
		}
		return "dem"
	}
	switch gender {
	case 'm':
		return "der"
	case 'f', 'p':
		return "die"
	}
	return "das"
}

// np is a noun phrase with article in the given case.
func (x text) np(c byte) string {
	n := x.noun()
	return article(n.gender, c) + " " + n.word
}

func (x text) org() (name, typ string) {
	k := orgKinds[x.r.IntN(len(orgKinds))]
	return k.prefix + x.pick(towns), k.typ
}

func capitalise(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// sentence is one German-like sentence.
func (x text) sentence() string {
	org, _ := x.org()
	switch x.r.IntN(14) {
	case 0:
		return "Wir haben " + x.np('a') + " im " + x.pick(months) + " über " + x.pick(terms) + " " + x.pick(verbsPast) + "."
	case 1:
		return capitalise(x.np('n')) + " ist bei uns noch nicht " + x.pick(verbsPast) + ", weil " + x.pick(reasons) + "."
	case 2:
		return "Hat jemand Erfahrungen mit " + x.np('d') + " und " + x.pick(terms) + "?"
	case 3:
		return "In der " + org + " läuft " + x.np('n') + " seit " + strconv.Itoa(2019+x.r.IntN(8)) + " produktiv."
	case 4:
		return "Die " + x.pick(adjectives) + " " + x.noun().word + " soll laut " + x.pick(terms) + " bis Ende des Jahres " + x.pick(verbsPast) + " sein."
	case 5:
		return "Für " + x.np('a') + " brauchen wir noch " + x.np('a') + " aus dem " + x.pick(modifiers) + "register."
	case 6:
		return "Unser IT-Dienstleister hat " + x.np('a') + " zusammen mit der " + org + " " + x.pick(verbsPast) + "."
	case 7:
		return "Wie geht ihr mit " + x.np('d') + " um, wenn " + x.pick(reasons) + "?"
	case 8:
		return "Nach unserer Erfahrung lohnt sich die Nachnutzung über den FIT-Store, gerade für " + x.np('a') + "."
	case 9:
		return "Größere Änderungen an " + x.np('d') + " müssen wir mit dem Landkreistag und dem Kommunalgremium abstimmen."
	case 10:
		return "Die Übermittlung an " + x.np('a') + " erfolgt Ende-zu-Ende-verschlüsselt über " + x.pick(terms) + "."
	case 11:
		return "Seit dem " + strconv.Itoa(1+x.r.IntN(28)) + ". " + x.pick(months) + " können Bürgerinnen und Bürger " + x.np('a') + " online stellen."
	case 12:
		return "Das Fachverfahren für " + x.np('a') + " unterstützt " + x.pick(terms) + " erst ab Version " + strconv.Itoa(2+x.r.IntN(5)) + "." + strconv.Itoa(x.r.IntN(10)) + "."
	}
	return "Danke für den Hinweis zu " + x.np('d') + ", das hilft uns in der " + org + " weiter."
}

func (x text) paragraph(min, max int) string {
	n := min + x.r.IntN(max-min+1)
	s := make([]string, n)
	for i := range s {
		s[i] = x.sentence()
	}
	// Some emphasis and inline code, as people write.
	switch x.r.IntN(5) {
	case 0:
		s[0] = "**" + strings.TrimSuffix(s[0], ".") + "**."
	case 1:
		s[len(s)-1] += " Siehe `" + x.pick(terms) + "`."
	case 2:
		s[len(s)-1] += " Mehr dazu unter [" + x.pick(terms) + "](" + x.pick(linkTargets) + ")."
	}
	return strings.Join(s, " ")
}

func (x text) list() string {
	n := 2 + x.r.IntN(4)
	var b strings.Builder
	ordered := x.r.IntN(3) == 0
	for i := range n {
		if ordered {
			b.WriteString(strconv.Itoa(i+1) + ". ")
		} else {
			b.WriteString("- ")
		}
		b.WriteString(capitalise(x.np('n')) + " " + x.pick(verbsPast))
		if x.r.IntN(3) == 0 {
			b.WriteString(" (" + x.pick(terms) + ")")
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (x text) code() string {
	n := x.noun()
	if x.r.IntN(2) == 0 {
		return "```json\n{\n  \"leistung\": \"" + n.word + "\",\n  \"leikaSchluessel\": \"99" + strconv.Itoa(100000000+x.r.IntN(899999999)) +
			"\",\n  \"zustellung\": \"FIT-Connect\",\n  \"status\": \"eingereicht\"\n}\n```"
	}
	return "```xml\n<xbau:antrag>\n  <leistung>" + n.word + "</leistung>\n  <gemeinde>" + x.pick(towns) + "</gemeinde>\n</xbau:antrag>\n```"
}

// body is a post in Markdown: blocks separated by blank lines.
func (x text) body(opening bool) string {
	blocks := 1 + x.r.IntN(2)
	if opening {
		blocks = 2 + x.r.IntN(3)
	}
	out := make([]string, 0, blocks)
	for i := range blocks {
		switch k := x.r.IntN(10); {
		case i == 0 || k < 6:
			out = append(out, x.paragraph(2, 5))
		case k < 9:
			out = append(out, x.list())
		default:
			out = append(out, x.code())
		}
	}
	return strings.Join(out, "\n\n")
}

// title is a thread title for the kind.
func (x text) title(kind string) string {
	n := x.noun()
	org, _ := x.org()
	switch kind {
	case "question":
		switch x.r.IntN(4) {
		case 0:
			return "Wie habt ihr " + article(n.gender, 'a') + " " + n.word + " " + x.pick(verbsPast) + "?"
		case 1:
			return n.word + " über " + x.pick(terms) + ": Erfahrungen?"
		case 2:
			return "Frage zu " + article(n.gender, 'd') + " " + n.word + " in der " + org
		}
		return "Wer nutzt " + x.pick(terms) + " für " + article(n.gender, 'a') + " " + n.word + "?"
	case "pm_question":
		if x.r.IntN(2) == 0 {
			return "Wann kommt die EfA-Lösung für " + article(n.gender, 'a') + " " + n.word + "?"
		}
		return "Zuständigkeit für " + article(n.gender, 'a') + " " + n.word + " nach OZG 2.0"
	}
	switch x.r.IntN(3) {
	case 0:
		return "Erfahrungsaustausch: " + n.word + " in der " + org
	case 1:
		return capitalise(article(n.gender, 'n')) + " " + x.pick(adjectives) + " " + n.word + " und " + x.pick(terms)
	}
	return n.word + " " + x.pick(verbsPast) + " – was wir gelernt haben"
}

// Words lists the vocabulary that search queries in benchmarks draw from:
// every modifier+head compound in the singular, the plain heads and terms.
func Words() []string {
	var ws []string
	for _, m := range modifiers {
		for _, h := range heads {
			ws = append(ws, m+h.sg)
		}
	}
	for _, h := range heads {
		ws = append(ws, capitalise(h.sg))
	}
	for _, t := range terms {
		if !strings.Contains(t, " ") {
			ws = append(ws, t)
		}
	}
	return ws
}
