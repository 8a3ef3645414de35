package demo

import (
	"encoding/binary"
	"hash"
	"hash/fnv"
	"time"

	"golang.org/x/text/unicode/norm"
)

// person is one member of the synthetic population.
type person struct {
	idx                   int
	family, middle, given string
	name                  string
	cccd                  string
	bp                    string // CCCD birthplace code
	serial                int    // CCCD serial
	dob                   int32
	male                  bool
	prov, commune         string
	phone                 string
	status                string
	updated               int64 // wall µs
	death                 int32 // death date when status is deceased
}

// person derives person i from (seed, i) alone. Indices 0..Rows-1 are the
// population; higher indices are fresh people (twins, phantoms) whose CCCDs
// are guaranteed not to collide with anyone else's.
func (g *gen) person(i int) person {
	g.psrc.Seed(g.seed^streamPerson, mix64(uint64(i)))
	r := g.pr
	p := person{idx: i, male: r.IntN(2) == 0}
	if r.IntN(100) < 15 { // a younger population, so the school registry can be filled
		p.dob = g.between(r, g.kidMin, g.kidMax)
	} else {
		p.dob = g.between(r, g.dobMin, g.dobMax)
	}
	// The serial is a bijection of i mod 10^6 and the birthplace is shifted
	// by i div 10^6, so two people never share (birthplace, serial).
	s, q := i%cccdSerialSpace, i/cccdSerialSpace
	bps := g.ref.birthplaces
	bp := bps[(int(mix64(g.seed^streamBirthplace^uint64(s))%uint64(len(bps)))+q)%len(bps)]
	p.bp, p.serial = bp.code, g.serial.enc(s)
	p.cccd = makeCCCD(p.bp, yearOf(p.dob), p.male, p.serial)
	pv := bp.prov
	if r.IntN(10) >= 7 {
		pv = r.IntN(len(g.ref.provinces))
	}
	prov := &g.ref.provinces[pv]
	p.prov, p.commune = prov.code, prov.wards[r.IntN(len(prov.wards))]
	p.family, p.middle, p.given = nameParts(r, p.male)
	p.name = p.family + " " + p.middle + " " + p.given
	p.phone = makePhone(g.ref.prefixes[r.IntN(len(g.ref.prefixes))], r.IntN(10_000_000))
	switch x := r.IntN(1000); {
	case x < 10:
		p.status = "deceased"
		p.death = g.between(r, max(p.dob+1, g.asOfDay-5*365), g.asOfDay-1)
	case x < 50:
		p.status = "moved"
	default:
		p.status = "active"
	}
	p.updated = g.recent(r, 30*day, time.Hour)
	return p
}

// twin is a fresh person (index idx) who shares name, birth date, sex and
// commune with o but has a CCCD of their own.
func (g *gen) twin(idx int, o *person, nfd bool) person {
	t := g.person(idx)
	t.family, t.middle, t.given, t.name = o.family, o.middle, o.given, o.name
	if nfd {
		t.name = norm.NFD.String(o.name)
	}
	t.dob, t.male, t.prov, t.commune = o.dob, o.male, o.prov, o.commune
	t.cccd = makeCCCD(t.bp, yearOf(t.dob), t.male, t.serial)
	t.status, t.death = "active", 0
	return t
}

func gender(male bool) string {
	if male {
		return "M"
	}
	return "F"
}

// bhxh is person i's 10-digit social insurance number (unique per person).
func (g *gen) bhxh(i int) string { return digits(uint64(g.bhxhP.enc(i)), 10) }

// cleanPerson returns the c-th population member that carries no planted
// defect and is no duplicate's original, c in [0, g.pop.clean()).
func (g *gen) cleanPerson(c int) person { return g.person(g.pop.cleanRow(c)) }

var citizenCols = []column{
	{"cccd", kStr}, {"full_name", kStr}, {"birth_date", kDate}, {"gender", kStr},
	{"province_code", kStr}, {"commune_code", kStr}, {"phone", kStr},
	{"status", kStr}, {"updated_at", kTS},
}

// citizenRow fills row from p, planting the defect of segment seg.
func (g *gen) citizenRow(row []cell, p *person, seg string, off int, c tally) {
	r := g.rr
	row[0], row[1], row[2], row[3] = str(p.cccd), str(p.name), date(p.dob), str(gender(p.male))
	row[4], row[5], row[6], row[7], row[8] = str(p.prov), str(p.commune), str(p.phone), str(p.status), ts(p.updated)
	switch seg {
	case "cccd_malformed":
		c.add(seg)
		switch off % 4 {
		case 0, 2:
			row[0] = str(p.cccd[1:]) // read as a number: leading zero lost
			c.add("cccd_leading_zero_lost")
		case 1:
			b := []byte(p.cccd)
			b[11] = 'A' + (b[11] - '0') // a letter for the last digit
			row[0] = str(string(b))
			c.add("cccd_non_digit")
		case 3:
			row[0] = str(p.cccd + string(rune('0'+r.IntN(10))))
			c.add("cccd_13_digits")
		}
	case "full_name_missing":
		c.add(seg)
		switch off % 4 {
		case 0:
			row[1] = nullCell()
			c.add("full_name_null")
		case 1:
			row[1] = str("")
			c.add("full_name_blank")
		case 2:
			row[1] = str("   ")
			c.add("full_name_blank")
		case 3:
			row[1] = str("N/A")
			c.add("full_name_placeholder")
		}
	case "birth_date_null":
		c.add(seg)
		row[2] = nullCell()
	case "birth_date_out_of_range":
		c.add(seg)
		if off%2 == 0 {
			row[2] = date(g.between(r, dayOf(time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC)),
				dayOf(time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC))))
			c.add("birth_date_before_1900")
		} else {
			row[2] = date(g.asOfDay + 1 + r.Int32N(3650))
			c.add("birth_date_future")
		}
	case "gender_invalid":
		c.add(seg)
		row[3] = str([]string{"X", "Nam", "u"}[off%3])
	case "name_too_short":
		c.add(seg)
		row[1] = str(string(rune('A' + r.IntN(26))))
	}
}

var deathCols = []column{{"cccd", kStr}, {"full_name", kStr}, {"death_date", kDate}, {"registered_at", kTS}, {"birth_date", kDate}}

// personKeys counts rows per [full_name, birth_date, commune_code] (raw
// strings, rows with a NULL part skipped) through a 128-bit hash.
type personKeys struct {
	m   map[[16]byte]uint32
	h   hash.Hash
	buf []byte
}

func (k *personKeys) add(row []cell) {
	if k == nil || row[1].null || row[2].null {
		return
	}
	k.h.Reset()
	k.buf = append(k.buf[:0], row[1].s...)
	k.buf = append(k.buf, 0)
	k.buf = binary.LittleEndian.AppendUint32(k.buf, uint32(row[2].i))
	k.buf = append(k.buf, row[5].s...)
	k.h.Write(k.buf)
	var key [16]byte
	k.h.Sum(key[:0])
	k.m[key]++
}

func (k *personKeys) record(c tally) {
	var keys, rows int64 = -1, -1
	if k != nil {
		keys, rows = 0, 0
		for _, n := range k.m {
			if n > 1 {
				keys++
				rows += int64(n)
			}
		}
	}
	c["person_duplicate_keys"], c["person_duplicate_rows"] = keys, rows
	if keys < 0 {
		c["person_extra_rows"] = -1
	} else {
		c["person_extra_rows"] = rows - keys
	}
}

// writePopulation writes citizens.parquet and, in the same pass, deaths.parquet.
func (g *gen) writePopulation(dir string, cit, dea *DatasetTruth) error {
	ct, err := g.openTable(dir, cit, citizenCols)
	if err != nil {
		return err
	}
	defer ct.abort()
	dt, err := g.openTable(dir, dea, deathCols)
	if err != nil {
		return err
	}
	defer dt.abort()
	var keys *personKeys
	if g.o.Rows <= personKeyCountLimit {
		keys = &personKeys{m: make(map[[16]byte]uint32, g.o.Rows), h: fnv.New128a()}
	}
	c := tally(cit.Counts)
	dc := tally(dea.Counts)
	zero(dc, "death_before_birth", "birth_after_registration")
	emit := func(p *person, seg string, off int) error {
		g.rowRand(streamPerson, p.idx)
		g.citizenRow(ct.row, p, seg, off, c)
		c.add("status_" + p.status)
		keys.add(ct.row)
		return ct.write()
	}
	for i := 0; i < g.o.Rows; i++ {
		p := g.person(i)
		seg := ""
		k, off := g.pop.of(i)
		if k >= 0 {
			seg = g.pop.names[k]
		}
		if err := emit(&p, seg, off); err != nil {
			return err
		}
		if p.status == "deceased" {
			r := g.rowRand(streamPerson^1, i)
			reg := int64(p.death)*86400e6 + int64(r.IntN(15))*86400e6 + int64(7*3600+r.IntN(10*3600))*1e6
			reg = min(reg, g.asOfWall-3600e6)
			dt.row[0], dt.row[1], dt.row[2], dt.row[3] = str(p.cccd), str(p.name), date(p.death), ts(reg)
			// The birth date as the death record holds it; 1.5% are
			// typed after the death (a stream of their own, so the
			// other columns are those of earlier versions).
			birth := p.dob
			if rb := g.rowRand(streamDeathBirth, i); rb.IntN(1000) < 15 {
				birth = p.death + 1 + rb.Int32N(365)
				dc.add("death_before_birth")
				if int64(birth)*86400e6 > reg {
					dc.add("birth_after_registration")
				}
			}
			dt.row[4] = date(birth)
			if err := dt.write(); err != nil {
				return err
			}
		}
	}
	// Exact copies: each original is a clean row copied once.
	nd := g.pop.count("orig_duplicate")
	for j := 0; j < nd; j++ {
		p := g.person(g.pop.row("orig_duplicate", j))
		if err := emit(&p, "", 0); err != nil {
			return err
		}
	}
	c["exact_duplicates"] = int64(nd)
	c["cccd_duplicate_keys"], c["cccd_duplicate_rows"], c["cccd_extra_rows"] = int64(nd), 2*int64(nd), int64(nd)
	// Twins: a new person with the same name, birth date and commune.
	for j := 0; j < g.nTwins; j++ {
		o := g.person(g.pop.row("orig_twin", j))
		t := g.twin(g.o.Rows+j, &o, false)
		if err := emit(&t, "", 0); err != nil {
			return err
		}
	}
	c["person_twins"] = int64(g.nTwins)
	for j := 0; j < g.nNFD; j++ {
		o := g.person(g.pop.row("orig_nfd_twin", j))
		t := g.twin(g.o.Rows+g.nTwins+j, &o, true)
		if err := emit(&t, "", 0); err != nil {
			return err
		}
	}
	c["nfd_twins"] = int64(g.nNFD)
	keys.record(c)
	for _, k := range []string{"status_active", "status_deceased", "status_moved"} {
		c[k] += 0 // present even when zero
	}
	if err := g.closeTable(ct); err != nil {
		return err
	}
	return g.closeTable(dt)
}
