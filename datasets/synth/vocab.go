package synth

// Event types, in the order of eventTypeNames.
const (
	evEmailSent uint8 = iota
	evEmailOpen
	evEmailClick
	evEmailUnsubscribe
	evEmailBounce
	evPageView
	evFormSubmit
	evContentDownload
	evWebinarAttended
	evLiveChat
	evSocialInteraction
	evNewsletterSignup
	evFreeTrialSignup
	evDemoRequest
	numEventTypes
)

// EventTypes are the values of the events file's type column.
var eventTypeNames = [numEventTypes]string{
	"email_sent", "email_open", "email_click", "email_unsubscribe", "email_bounce",
	"page_view", "form_submit", "content_download", "webinar_attended", "live_chat",
	"social_interaction", "newsletter_signup", "free_trial_signup", "demo_request",
}

// Pages of page_view events; pageNone is written as a missing value.
const (
	pageNone uint8 = iota
	pageHome
	pagePricing
	pageProduct
	pageBlog
	pageCareers
	pageContact
	pageDirections
	numPages
)

var pageNames = [numPages]string{"", "home", "pricing", "product", "blog", "careers", "contact", "directions"}

// Channels. Social interactions carry the network as their channel.
const (
	chEmail uint8 = iota
	chWeb
	chLinkedIn
	chTwitter
	chFacebook
	chWebinar
	chChat
	numChannels
)

var channelNames = [numChannels]string{"email", "web", "linkedin", "twitter", "facebook", "webinar", "chat"}

// LeadSources are the lead_source values shared by both profiles.
var leadSources = []level{
	{"organic_search", 0.25, 0.0},
	{"paid_search", 0.18, -0.1},
	{"referral", 0.08, 0.7},
	{"webinar", 0.08, 0.4},
	{"event", 0.06, 0.3},
	{"social", 0.12, -0.4},
	{"email_campaign", 0.13, -0.2},
	{"direct", 0.10, 0.2},
}

// level is one value of a categorical attribute: its share of leads and its
// additive effect on fit (and so on the conversion log-hazard).
type level struct {
	Value  string  `json:"value"`
	Share  float64 `json:"share"`
	Effect float64 `json:"effect"`
}

var b2bIndustries = []level{
	{"software", 0.22, 0.4},
	{"finance", 0.12, 0.2},
	{"healthcare", 0.12, 0.1},
	{"manufacturing", 0.14, 0.0},
	{"retail", 0.12, -0.1},
	{"education", 0.08, -0.3},
	{"government", 0.06, -0.4},
	{"other", 0.14, -0.2},
}

var b2bSeniorities = []level{
	{"individual_contributor", 0.35, 0.0},
	{"manager", 0.30, 0.2},
	{"director", 0.18, 0.45},
	{"vp", 0.11, 0.6},
	{"c_level", 0.06, 0.5},
}

// b2bFunctions are the job functions titles are made of; Effect is added to
// fit.
var b2bFunctions = []level{
	{"Marketing", 0.24, 0.3},
	{"Sales", 0.18, 0.2},
	{"Engineering", 0.14, 0.0},
	{"IT", 0.12, 0.1},
	{"Operations", 0.10, 0.0},
	{"Finance", 0.08, -0.1},
	{"Product", 0.08, 0.1},
	{"HR", 0.06, -0.3},
}

// titleWords gives, per function, the individual contributor title and the
// C-level title.
var titleWords = map[string][2]string{
	"Marketing":   {"Marketing Specialist", "CMO"},
	"Sales":       {"Account Executive", "CRO"},
	"Engineering": {"Software Engineer", "CTO"},
	"IT":          {"IT Administrator", "CIO"},
	"Operations":  {"Operations Analyst", "COO"},
	"Finance":     {"Financial Analyst", "CFO"},
	"Product":     {"Product Analyst", "CPO"},
	"HR":          {"HR Generalist", "CHRO"},
}

var b2bCountries = []level{
	{"United States", 0.42, 0.1},
	{"United Kingdom", 0.10, 0.1},
	{"Germany", 0.08, 0.0},
	{"France", 0.05, -0.1},
	{"Canada", 0.07, 0.1},
	{"Australia", 0.04, 0.0},
	{"India", 0.09, -0.3},
	{"Brazil", 0.05, -0.2},
	{"Netherlands", 0.04, 0.0},
	{"Singapore", 0.03, 0.0},
	{"Other", 0.03, -0.2},
}

var b2cIncomeBands = []level{
	{"low", 0.30, -0.4},
	{"middle", 0.40, 0.0},
	{"high", 0.20, 0.3},
	{"very_high", 0.10, 0.45},
}

var b2cOccupations = []level{
	{"student", 0.12, -0.8},
	{"employed", 0.55, 0.2},
	{"self_employed", 0.13, 0.3},
	{"unemployed", 0.07, -0.6},
	{"retired", 0.13, 0.0},
}

// b2cLocations: the business has branches in the three Texas cities, whose
// residents convert more.
var b2cLocations = []level{
	{"New York", 0.12, 0.0},
	{"Los Angeles", 0.10, 0.0},
	{"Chicago", 0.08, 0.0},
	{"Houston", 0.08, 0.25},
	{"Dallas", 0.08, 0.25},
	{"Austin", 0.07, 0.25},
	{"Phoenix", 0.06, 0.0},
	{"Philadelphia", 0.06, 0.0},
	{"San Diego", 0.05, 0.0},
	{"Seattle", 0.06, 0.0},
	{"Denver", 0.05, 0.0},
	{"Boston", 0.05, 0.0},
	{"Miami", 0.05, 0.0},
	{"Atlanta", 0.05, 0.0},
	{"rural", 0.04, -0.2},
}

// monthWeights scale the lead creation rate by calendar month (January
// first): busier after New Year and in autumn, quiet in summer and December.
var monthWeights = [12]float64{1.10, 1.05, 1.08, 1.00, 0.98, 0.92, 0.85, 0.85, 1.05, 1.10, 1.02, 0.80}

// weekdayWeights scale the lead creation rate by weekday (Sunday first).
var weekdayWeights = [7]float64{0.45, 1.05, 1.1, 1.1, 1.05, 1.0, 0.5}
