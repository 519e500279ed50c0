package forum

import "kommunalforum/internal/store"

// DefaultTopicFields are the 14 OZG topic fields (Themenfelder) plus the
// two cross-cutting areas, seeded on first start. They are data, not UI
// text: admins rename, reorder and archive them in the UI, and a field
// whose slug exists is never overwritten.
var DefaultTopicFields = []store.TopicField{
	{Slug: "arbeit-ruhestand", Name: "Arbeit & Ruhestand", Description: "Arbeitslosengeld, Rente, Arbeitsschutz und weitere Leistungen rund um Beschäftigung und Ruhestand."},
	{Slug: "bauen-wohnen", Name: "Bauen & Wohnen", Description: "Digitaler Bauantrag, Wohngeld, Baugenehmigungen und Grundstücksangelegenheiten."},
	{Slug: "bildung", Name: "Bildung", Description: "BAföG, Schulanmeldung, Anerkennung von Abschlüssen und Weiterbildung."},
	{Slug: "ein-auswanderung", Name: "Ein- & Auswanderung", Description: "Aufenthaltstitel, Einbürgerung, Visa und Leistungen der Ausländerbehörden."},
	{Slug: "engagement-hobby", Name: "Engagement & Hobby", Description: "Ehrenamt, Vereine, Jagd- und Fischereischeine, Veranstaltungen."},
	{Slug: "familie-kind", Name: "Familie & Kind", Description: "Elterngeld, Kita-Platz, Geburtsurkunde, Unterhaltsvorschuss und Kinderbetreuung."},
	{Slug: "forschung-foerderung", Name: "Forschung & Förderung", Description: "Förderprogramme, Zuwendungsverfahren und Forschungsförderung."},
	{Slug: "gesundheit", Name: "Gesundheit", Description: "Gesundheitsamt, Infektionsschutz, Heilberufe und Pflege."},
	{Slug: "mobilitaet-reisen", Name: "Mobilität & Reisen", Description: "Kfz-Zulassung (i-Kfz), Führerschein, Parkausweise und Reisedokumente."},
	{Slug: "querschnitt", Name: "Querschnitt", Description: "Themenfeldübergreifende Leistungen wie Melderegister, Personenstand und Gebühren."},
	{Slug: "recht-ordnung", Name: "Recht & Ordnung", Description: "Gewerbe- und Ordnungsrecht, Waffenrecht, Fundsachen und Bußgeldverfahren."},
	{Slug: "steuern-zoll", Name: "Steuern & Zoll", Description: "Kommunale Steuern wie Hunde-, Grund- und Gewerbesteuer sowie Zollangelegenheiten."},
	{Slug: "umwelt", Name: "Umwelt", Description: "Abfall, Immissionsschutz, Wasser- und Naturschutzrecht."},
	{Slug: "unternehmensfuehrung", Name: "Unternehmensführung & -entwicklung", Description: "Gewerbeanmeldung, Unternehmensregister, Vergabe und Wirtschaftsförderung."},
	{Slug: "plattformen-basisdienste", Name: "Plattformen & Basisdienste", Description: "FIT-Store, FIT-Connect, EfA-Nachnutzung, Nutzerkonto (BundID), Bezahldienste und Portalverbund."},
	{Slug: "allgemeiner-austausch", Name: "Allgemeiner Austausch", Description: "Organisation, Vernetzung, Veranstaltungen und alles, was in kein anderes Themenfeld passt."},
}

func init() {
	for i := range DefaultTopicFields {
		DefaultTopicFields[i].Position = (i + 1) * 10
	}
}
