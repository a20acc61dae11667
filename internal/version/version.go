// Package version holds leadscore's release version: the one constant that
// `leadscore --version` prints and every model bundle's manifest records.
package version

import "runtime/debug"

// Release is the release version of this source tree.
const Release = "0.1.0"

// String returns Release followed by the VCS revision the binary was built
// from ("0.1.0 (rev 0e49b9f, modified)"), or Release alone when the build
// carries no revision (go test, go run of a single file, a build with
// -buildvcs=false).
func String() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Release
	}
	return withRevision(info.Settings)
}

// withRevision formats Release with the vcs.revision and vcs.modified build
// settings.
func withRevision(settings []debug.BuildSetting) string {
	var rev string
	var modified bool
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return Release
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified {
		return Release + " (rev " + rev + ", modified)"
	}
	return Release + " (rev " + rev + ")"
}
