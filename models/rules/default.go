package rules

import "embed"

//go:embed sheets/*.yaml
var sheetFS embed.FS

// Profiles lists the profiles Default knows.
func Profiles() []string { return []string{"b2b", "b2c", "xeducation"} }

// Default returns a fresh copy of the YAML of a shipped sheet: "b2b" (fit
// from seniority, company size, industry, persona and lead source;
// engagement from the generator's events), "b2c" (engagement-led, students disqualified) or "xeducation"
// (the flat columns of the X Education CRM export known when a lead is
// created). It returns nil for any other profile.
func Default(profile string) []byte {
	for _, p := range Profiles() {
		if p == profile {
			b, err := sheetFS.ReadFile("sheets/" + p + ".yaml")
			if err != nil {
				return nil
			}
			return b
		}
	}
	return nil
}
