package synth

import (
	"math"
	"math/rand/v2"
	"slices"
)

// webRate is one web-side event process. Its rate per day at t days after
// creation is m·(Base + Intent·I(t)), where m = exp(EngageFit·fit) is the
// lead's engagement multiplier and I(t) its intent; Once processes keep only
// their first event.
type webRate struct {
	Type   string  `json:"type"`
	Page   string  `json:"page,omitempty"`
	Base   float64 `json:"base_per_day"`
	Intent float64 `json:"per_day_per_unit_intent"`
	Once   bool    `json:"at_most_once,omitempty"`
	typ    uint8
	page   uint8
}

// behaviour holds the coefficients of observed behaviour in the conversion
// log-hazard. "log1p" terms are applied to log(1+count), which saturates:
// the 20th visit adds far less than the 2nd.
type behaviour struct {
	Visits        float64 // log1p(page views)
	Pricing       float64 // log1p(pricing page views)
	PricingSenior float64 // log1p(pricing page views) × senior title (b2b)
	Product       float64 // log1p(product page views)
	Contact       float64 // log1p(contact page views)
	Directions    float64 // log1p(directions page views)
	Careers       float64 // log1p(careers page views)
	Form          float64 // log1p(form submits)
	Download      float64 // log1p(content downloads)
	Webinar       float64 // log1p(webinars attended)
	Chat          float64 // log1p(live chats)
	Social        float64 // log1p(social interactions)
	Open          float64 // log1p(email opens)
	Click         float64 // log1p(email clicks)
	Newsletter    float64 // newsletter signup (0/1)
	Trial         float64 // free trial signup (0/1)
	Demo          float64 // demo request (0/1)
	Unsubscribed  float64 // unsubscribed (0/1)
	Bounced       float64 // any email bounced (0/1)
}

// model is the complete latent model of one profile. See truth.json for the
// meaning of every number (built by model.coefficients).
type model struct {
	profile string

	// Fit: categorical effects live in the level tables of vocab.go.
	employeesLog10 float64 // b2b: × (log10(employees) − 2)
	ageSq          float64 // b2c: × (age − 40)²

	// Intent I(t) = A·pulse(t): rises exponentially with time constant
	// riseDays up to a peak at τ ~ Exponential(peakMeanDays), then halves
	// every h days, h ~ LogNormal(log(halfLifeMedian), halfLifeSD).
	ampLogMean, ampFit, ampLogSD float64
	peakMeanDays                 float64
	riseDays                     float64
	halfLifeMedian, halfLifeSD   float64

	engageFit        float64 // web and email engagement multiplier m = exp(engageFit·fit)
	jobSeekerShare   float64 // share of leads who are really job seekers
	jobSeekerCareers float64 // their careers page rate multiplier
	badEmailShare    float64 // share of leads whose address bounces every email
	bounceRate       float64 // bounce probability of an email to a good address

	sendRate                      float64 // marketing emails per day until unsubscribed
	openBase, openIntent, openFit float64 // logit of P(open | sent)
	clickBase, clickIntent        float64 // logit of P(click | open)
	unsubBase, unsubIntent        float64 // P(unsubscribe | open, no click) = unsubBase·exp(−unsubIntent·I)
	social                        [3]float64
	web                           []webRate

	// Conversion hazard.
	intercept        float64 // β0, calibrated to the target conversion rate
	calibrationLeads int     // size of the calibration sample
	intentHazard     float64 // γ: × I(t)
	noiseSD          float64 // σ of the lead's hidden noise ε
	salesCycleDays   float64 // τc of the sales-cycle ramp 1 − exp(−t/τc)
	beh              behaviour
	keepAfter        float64              // share of web events kept after conversion (email stops)
	ramp             [HorizonDays]float64 // 1 − exp(−(d+½)/salesCycleDays) per day d

	// Deal amounts.
	amountMedian  float64 // b2b: median at 50 employees; b2c: unused
	amountSize    float64 // b2b: elasticity of the median to employees
	amountLogSD   float64
	incomeAmounts [4]float64 // b2c: median amount by income band
}

func newModel(profile string) *model {
	m := &model{
		profile:          profile,
		employeesLog10:   0.3,
		ampLogMean:       -0.3,
		ampFit:           0.5,
		ampLogSD:         0.8,
		riseDays:         2,
		engageFit:        0.3,
		badEmailShare:    0.03,
		bounceRate:       0.005,
		openBase:         -1.5,
		openIntent:       1.0,
		openFit:          0.2,
		clickBase:        -1.8,
		clickIntent:      0.8,
		unsubBase:        0.04,
		unsubIntent:      1.0,
		intentHazard:     0.8,
		noiseSD:          0.5,
		keepAfter:        0.2,
		jobSeekerCareers: 25,
	}
	wr := func(typ, page uint8, base, intent float64, once bool) webRate {
		return webRate{Type: eventTypeNames[typ], Page: pageNames[page], Base: base, Intent: intent, Once: once, typ: typ, page: page}
	}
	if profile == ProfileB2B {
		m.peakMeanDays, m.halfLifeMedian, m.halfLifeSD = 14, 12, 0.5
		m.jobSeekerShare = 0.06
		m.sendRate = 0.14
		m.social = [3]float64{0.6, 0.25, 0.15}
		m.salesCycleDays = 12
		m.amountMedian, m.amountSize, m.amountLogSD = 6000, 0.35, 0.7
		m.web = []webRate{
			wr(evPageView, pageHome, 0.02, 0.12, false),
			wr(evPageView, pageBlog, 0.025, 0.07, false),
			wr(evPageView, pageProduct, 0.01, 0.18, false),
			wr(evPageView, pagePricing, 0.003, 0.15, false),
			wr(evPageView, pageCareers, 0.004, 0, false),
			wr(evPageView, pageContact, 0.002, 0.05, false),
			wr(evPageView, pageDirections, 0.0005, 0.005, false),
			wr(evFormSubmit, pageNone, 0.0008, 0.035, false),
			wr(evContentDownload, pageNone, 0.002, 0.045, false),
			wr(evWebinarAttended, pageNone, 0.0005, 0.02, false),
			wr(evLiveChat, pageNone, 0.0008, 0.025, false),
			wr(evSocialInteraction, pageNone, 0.01, 0.02, false),
			wr(evNewsletterSignup, pageNone, 0.001, 0.01, true),
			wr(evFreeTrialSignup, pageNone, 0.0003, 0.012, true),
			wr(evDemoRequest, pageNone, 0.0002, 0.012, true),
		}
		m.beh = behaviour{
			Visits: 0.12, Pricing: 0.35, PricingSenior: 0.40, Product: 0.10, Contact: 0.3, Directions: 0,
			Careers: -0.5, Form: 0.45, Download: 0.15, Webinar: 0.3, Chat: 0.3, Social: 0.05,
			Open: 0.08, Click: 0.25, Newsletter: 0.1, Trial: 0.7, Demo: 0.9, Unsubscribed: -1.2, Bounced: -0.4,
		}
	} else {
		m.ageSq = -0.0008
		m.peakMeanDays, m.halfLifeMedian, m.halfLifeSD = 7, 6, 0.5
		m.jobSeekerShare = 0.03
		m.sendRate = 0.2
		m.social = [3]float64{0.1, 0.3, 0.6}
		m.salesCycleDays = 4
		m.amountLogSD = 0.5
		m.incomeAmounts = [4]float64{300, 600, 1200, 2500}
		m.web = []webRate{
			wr(evPageView, pageHome, 0.04, 0.25, false),
			wr(evPageView, pageBlog, 0.02, 0.06, false),
			wr(evPageView, pageProduct, 0.02, 0.30, false),
			wr(evPageView, pagePricing, 0.006, 0.25, false),
			wr(evPageView, pageCareers, 0.003, 0, false),
			wr(evPageView, pageContact, 0.003, 0.06, false),
			wr(evPageView, pageDirections, 0.002, 0.12, false),
			wr(evFormSubmit, pageNone, 0.001, 0.04, false),
			wr(evContentDownload, pageNone, 0.0008, 0.01, false),
			wr(evWebinarAttended, pageNone, 0.0002, 0.005, false),
			wr(evLiveChat, pageNone, 0.001, 0.03, false),
			wr(evSocialInteraction, pageNone, 0.015, 0.03, false),
			wr(evNewsletterSignup, pageNone, 0.002, 0.015, true),
			wr(evFreeTrialSignup, pageNone, 0.0003, 0.005, true),
			wr(evDemoRequest, pageNone, 0.0002, 0.006, true),
		}
		m.beh = behaviour{
			Visits: 0.15, Pricing: 0.45, Product: 0.15, Contact: 0.3, Directions: 0.4,
			Careers: -0.5, Form: 0.5, Download: 0.1, Webinar: 0.2, Chat: 0.35, Social: 0.05,
			Open: 0.1, Click: 0.3, Newsletter: 0.15, Trial: 0.6, Demo: 0.8, Unsubscribed: -1.2, Bounced: -0.4,
		}
	}
	for d := range m.ramp {
		m.ramp[d] = -math.Expm1(-(float64(d) + 0.5) / m.salesCycleDays)
	}
	return m
}

// event is one simulated event, t days after the lead's creation.
type event struct {
	t       float64
	typ     uint8
	page    uint8
	channel uint8
}

// counts aggregates a lead's events up to some time.
type counts struct {
	byType [numEventTypes]int
	pages  [numPages]int
	// lastActive is the time (days) of the latest event other than
	// email_sent and email_bounce, or −1.
	lastActive float64
}

func (c *counts) add(e event) {
	c.byType[e.typ]++
	if e.typ == evPageView {
		c.pages[e.page]++
	}
	if e.typ != evEmailSent && e.typ != evEmailBounce {
		c.lastActive = e.t
	}
}

func yes(n int) float64 {
	if n > 0 {
		return 1
	}
	return 0
}

// behaviourTerm is B, the observed-behaviour part of the log-hazard.
func (m *model) behaviourTerm(c *counts, senior bool) float64 {
	b := &m.beh
	lp := func(n int) float64 { return math.Log1p(float64(n)) }
	pricing := lp(c.pages[pagePricing])
	v := b.Visits*lp(c.byType[evPageView]) +
		b.Pricing*pricing +
		b.Product*lp(c.pages[pageProduct]) +
		b.Contact*lp(c.pages[pageContact]) +
		b.Directions*lp(c.pages[pageDirections]) +
		b.Careers*lp(c.pages[pageCareers]) +
		b.Form*lp(c.byType[evFormSubmit]) +
		b.Download*lp(c.byType[evContentDownload]) +
		b.Webinar*lp(c.byType[evWebinarAttended]) +
		b.Chat*lp(c.byType[evLiveChat]) +
		b.Social*lp(c.byType[evSocialInteraction]) +
		b.Open*lp(c.byType[evEmailOpen]) +
		b.Click*lp(c.byType[evEmailClick]) +
		b.Newsletter*yes(c.byType[evNewsletterSignup]) +
		b.Trial*yes(c.byType[evFreeTrialSignup]) +
		b.Demo*yes(c.byType[evDemoRequest]) +
		b.Unsubscribed*yes(c.byType[evEmailUnsubscribe]) +
		b.Bounced*yes(c.byType[evEmailBounce])
	if senior {
		v += b.PricingSenior * pricing
	}
	return v
}

// lead is one simulated lead. Times are in days after creation.
type lead struct {
	// b2b attributes (indexes into the level tables)
	industry, seniority, function, country int
	title                                  string
	employees, revenue                     float64 // revenue NaN when missing
	// b2c attributes
	age                          float64
	income, occupation, location int
	source                       int

	fit                          float64 // F, the attribute part of the log-hazard
	amp, peak, halfLife, noise   float64 // intent A, τ, h and hidden noise ε
	jobSeeker, badEmail, senior  bool
	events                       []event
	hz                           [HorizonDays]float64 // exp(η_d − β0) per day d
	converted                    bool
	convT                        float64 // conversion time (days), valid when converted
	amount                       float64
	p14                          float64 // NaN when converted before ScoreDay
	agg                          counts  // events in [0, ScoreDay)
	earlyConverted, labelInRange bool    // converted before day 14; converted in [14, 104)
}

// intent is I(t) = A·pulse(t).
func (l *lead) intent(m *model, t float64) float64 {
	if t < l.peak {
		return l.amp * math.Exp((t-l.peak)/m.riseDays)
	}
	return l.amp * math.Exp(-math.Ln2*(t-l.peak)/l.halfLife)
}

// pulseMass returns the integrals of pulse over [0, min(τ,H)] (rising part)
// and [τ, H] (decaying part), in days.
func (l *lead) pulseMass(m *model) (rise, decay float64) {
	const H = HorizonDays
	top := math.Min(l.peak, H)
	rise = m.riseDays * (math.Exp((top-l.peak)/m.riseDays) - math.Exp(-l.peak/m.riseDays))
	if l.peak < H {
		lam := math.Ln2 / l.halfLife
		decay = (1 - math.Exp(-lam*(H-l.peak))) / lam
	}
	return rise, decay
}

// samplePulse draws a time in [0, H) from the density proportional to pulse.
func (l *lead) samplePulse(m *model, r *rand.Rand, rise, decay float64) float64 {
	const H = HorizonDays
	if r.Float64()*(rise+decay) < rise {
		top := math.Min(l.peak, H)
		lo := math.Exp(-l.peak / m.riseDays)
		hi := math.Exp((top - l.peak) / m.riseDays)
		t := l.peak + m.riseDays*math.Log(lo+r.Float64()*(hi-lo))
		return clampTime(t)
	}
	lam := math.Ln2 / l.halfLife
	t := l.peak - math.Log(1-r.Float64()*(1-math.Exp(-lam*(H-l.peak))))/lam
	return clampTime(t)
}

func clampTime(t float64) float64 {
	if t < 0 {
		return 0
	}
	if t >= HorizonDays {
		return math.Nextafter(HorizonDays, 0)
	}
	return t
}

// poisson draws a Poisson count with the given mean: by multiplying
// uniforms below 30, by a rounded normal above.
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean < 30 {
		limit := math.Exp(-mean)
		p := r.Float64()
		k := 0
		for p > limit {
			p *= r.Float64()
			k++
		}
		return k
	}
	x := math.Round(mean + math.Sqrt(mean)*r.NormFloat64())
	if x < 0 {
		return 0
	}
	return int(x)
}

func pick(r *rand.Rand, levels []level) int {
	u := r.Float64()
	for i, l := range levels {
		u -= l.Share
		if u < 0 {
			return i
		}
	}
	return len(levels) - 1
}

func pickWeights(r *rand.Rand, w []float64) int {
	u := r.Float64()
	for i, x := range w {
		u -= x
		if u < 0 {
			return i
		}
	}
	return len(w) - 1
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// incomeGivenOccupation are the income band shares (low, middle, high,
// very_high) by b2c occupation; employed and self-employed use the
// marginal shares of b2cIncomeBands.
var incomeGivenOccupation = map[string][]float64{
	"student":    {0.70, 0.25, 0.05, 0},
	"unemployed": {0.70, 0.25, 0.05, 0},
	"retired":    {0.30, 0.45, 0.17, 0.08},
}

// attributes draws the lead's attributes and computes its fit F.
func (m *model) attributes(l *lead, r *rand.Rand) {
	l.source = pick(r, leadSources)
	if m.profile == ProfileB2B {
		l.industry = pick(r, b2bIndustries)
		l.seniority = pick(r, b2bSeniorities)
		l.function = pick(r, b2bFunctions)
		l.country = pick(r, b2bCountries)
		l.employees = math.Min(300000, math.Max(1, math.Round(math.Exp(3.8+1.5*r.NormFloat64()))))
		rev := l.employees * math.Exp(math.Log(150000)+0.6*r.NormFloat64())
		l.revenue = math.Round(rev/1000) * 1000
		if r.Float64() < 0.25 {
			l.revenue = math.NaN()
		}
		l.title = jobTitle(r, b2bFunctions[l.function].Value, b2bSeniorities[l.seniority].Value)
		l.senior = l.seniority >= 2 // director, vp, c_level
		l.fit = b2bIndustries[l.industry].Effect + b2bSeniorities[l.seniority].Effect +
			b2bFunctions[l.function].Effect + b2bCountries[l.country].Effect +
			leadSources[l.source].Effect + m.employeesLog10*(math.Log10(l.employees)-2)
		return
	}
	l.occupation = pick(r, b2cOccupations)
	occ := b2cOccupations[l.occupation].Value
	switch occ {
	case "student":
		l.age = math.Round(18 + 8*math.Pow(r.Float64(), 1.5))
	case "retired":
		l.age = math.Round(60 + 20*r.Float64())
	default:
		l.age = math.Round(math.Min(67, math.Max(20, 40+11*r.NormFloat64())))
	}
	if w, ok := incomeGivenOccupation[occ]; ok {
		l.income = pickWeights(r, w)
	} else {
		l.income = pick(r, b2cIncomeBands)
	}
	l.location = pick(r, b2cLocations)
	d := l.age - 40
	l.fit = b2cIncomeBands[l.income].Effect + b2cOccupations[l.occupation].Effect +
		b2cLocations[l.location].Effect + leadSources[l.source].Effect + m.ageSq*d*d
}

func jobTitle(r *rand.Rand, function, seniority string) string {
	words := titleWords[function]
	var t string
	switch seniority {
	case "individual_contributor":
		t = words[0]
		if r.Float64() < 0.2 {
			t = "Senior " + t
		}
	case "manager":
		t = function + " Manager"
	case "director":
		if r.Float64() < 0.5 {
			t = "Director of " + function
		} else {
			t = "Head of " + function
		}
	case "vp":
		if r.Float64() < 0.3 {
			t = "VP of " + function
		} else {
			t = "VP " + function
		}
	case "c_level":
		t = words[1]
		if r.Float64() < 0.3 {
			t = "CEO"
		}
	}
	if r.Float64() < 0.05 {
		// CRM data entered by hand is not always capitalised.
		b := []byte(t)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		t = string(b)
	}
	return t
}

// simulate draws everything about one lead except its conversion, which
// needs the intercept (see convert). It reuses l.events.
func (m *model) simulate(l *lead, r *rand.Rand) {
	events := l.events[:0]
	*l = lead{events: events}
	m.attributes(l, r)

	l.noise = m.noiseSD * r.NormFloat64()
	l.amp = math.Exp(m.ampLogMean + m.ampFit*l.fit + m.ampLogSD*r.NormFloat64())
	l.peak = -m.peakMeanDays * math.Log(1-r.Float64())
	l.halfLife = math.Exp(math.Log(m.halfLifeMedian) + m.halfLifeSD*r.NormFloat64())
	l.jobSeeker = r.Float64() < m.jobSeekerShare
	l.badEmail = r.Float64() < m.badEmailShare
	engage := math.Exp(m.engageFit * l.fit)
	rise, decay := l.pulseMass(m)

	// Web processes: a baseline Poisson process plus one that follows intent.
	for _, w := range m.web {
		base := w.Base
		if w.page == pageCareers && l.jobSeeker {
			base *= m.jobSeekerCareers
		}
		nb := poisson(r, engage*base*HorizonDays)
		ni := poisson(r, engage*w.Intent*l.amp*(rise+decay))
		if nb+ni == 0 {
			continue
		}
		ch := chWeb
		switch w.typ {
		case evWebinarAttended:
			ch = chWebinar
		case evLiveChat:
			ch = chChat
		}
		first := math.Inf(1)
		for k := 0; k < nb+ni; k++ {
			var t float64
			if k < nb {
				t = r.Float64() * HorizonDays
			} else {
				t = l.samplePulse(m, r, rise, decay)
			}
			c := ch
			if w.typ == evSocialInteraction {
				c = chLinkedIn + uint8(pickWeights(r, m.social[:]))
			}
			if w.Once {
				first = math.Min(first, t)
				continue
			}
			events = append(events, event{t: t, typ: w.typ, page: w.page, channel: c})
		}
		if w.Once {
			events = append(events, event{t: first, typ: w.typ, page: w.page, channel: ch})
		}
	}

	// Email: a welcome email within the first hour, then a Poisson stream of
	// marketing emails until the lead unsubscribes.
	t := r.Float64() / 24
	for t < HorizonDays {
		events = append(events, event{t: t, typ: evEmailSent, channel: chEmail})
		if l.badEmail || r.Float64() < m.bounceRate {
			events = append(events, event{t: clampTime(t + 1.0/1440), typ: evEmailBounce, channel: chEmail})
		} else {
			it := l.intent(m, t)
			if r.Float64() < logistic(m.openBase+m.openIntent*it+m.openFit*l.fit) {
				to := clampTime(t - 0.25*math.Log(1-r.Float64()))
				events = append(events, event{t: to, typ: evEmailOpen, channel: chEmail})
				if r.Float64() < logistic(m.clickBase+m.clickIntent*it) {
					events = append(events, event{t: clampTime(to + 2.0/1440), typ: evEmailClick, channel: chEmail})
				} else if r.Float64() < m.unsubBase*math.Exp(-m.unsubIntent*it) {
					events = append(events, event{t: clampTime(to + 1.0/1440), typ: evEmailUnsubscribe, channel: chEmail})
					break
				}
			}
		}
		t -= math.Log(1-r.Float64()) / (m.sendRate * engage)
	}
	slices.SortStableFunc(events, func(a, b event) int {
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		}
		return 0
	})
	l.events = events

	// Hazard per day: counts of events before min(d, ScoreDay).
	var c counts
	c.lastActive = -1
	next := 0
	beh := m.behaviourTerm(&c, l.senior)
	for d := 0; d < HorizonDays; d++ {
		if d <= ScoreDay {
			added := false
			for next < len(events) && events[next].t < float64(d) {
				c.add(events[next])
				next++
				added = true
			}
			if added {
				beh = m.behaviourTerm(&c, l.senior)
			}
			if d == ScoreDay {
				l.agg = c
			}
		}
		eta := l.fit + l.noise + m.intentHazard*l.intent(m, float64(d)+0.5) + beh
		l.hz[d] = math.Exp(eta) * m.ramp[d]
	}
}

// totalHazard is Σ_d exp(η_d − β0) over the whole horizon, so that
// P(convert within HorizonDays) = 1 − exp(−exp(β0)·totalHazard).
func (l *lead) totalHazard() float64 {
	s := 0.0
	for _, h := range l.hz {
		s += h
	}
	return s
}

// convert draws the conversion time from the piecewise-constant hazard
// exp(β0)·hz[d], the deal amount, and thins the events after conversion.
// It also sets p14 and the label flags.
func (m *model) convert(l *lead, r *rand.Rand) {
	scale := math.Exp(m.intercept)
	e := -math.Log(1 - r.Float64())
	z := r.NormFloat64()
	cum := 0.0
	for d, h := range l.hz {
		h *= scale
		if cum+h >= e {
			l.converted = true
			l.convT = float64(d) + (e-cum)/h
			break
		}
		cum += h
	}
	win := 0.0
	for d := ScoreDay; d < ScoreDay+WindowDays; d++ {
		win += l.hz[d] * scale
	}
	l.p14 = -math.Expm1(-win)
	if !l.converted {
		return
	}
	l.earlyConverted = l.convT < ScoreDay
	l.labelInRange = !l.earlyConverted && l.convT < ScoreDay+WindowDays
	if l.earlyConverted {
		l.p14 = math.NaN()
	}
	if m.profile == ProfileB2B {
		med := m.amountMedian * math.Pow(l.employees/50, m.amountSize)
		l.amount = math.Round(med*math.Exp(m.amountLogSD*z)*100) / 100
	} else {
		l.amount = math.Round(m.incomeAmounts[l.income]*math.Exp(m.amountLogSD*z)*100) / 100
	}
	// After closing, marketing email stops and web activity thins out.
	kept := l.events[:0]
	for _, ev := range l.events {
		if ev.t > l.convT {
			if ev.channel == chEmail || r.Float64() >= m.keepAfter {
				continue
			}
		}
		kept = append(kept, ev)
	}
	l.events = kept
}
