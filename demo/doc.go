// Package demo generates deterministic, synthetic extracts of eight
// Vietnamese government registries with planted data-quality defects whose
// exact counts are recorded in truth.json. All personal data is made up.
//
// Generate(dir, Options{Rows: N, Seed: s, AsOf: t}) writes, for a population
// of N people (every count below is an exact integer, round(rate × size)):
//
//	citizens.parquet     MPS population registry, N rows plus planted copies:
//	                     cccd, full_name, birth_date, gender, province_code,
//	                     commune_code, phone, status, updated_at.
//	                     cccd_malformed 2% (cccd_leading_zero_lost: 11 digits;
//	                     cccd_non_digit: a letter; cccd_13_digits),
//	                     full_name_missing 1% (full_name_null, full_name_blank
//	                     for '' and '   ', full_name_placeholder for 'N/A'),
//	                     birth_date_null 0.5%, birth_date_out_of_range 0.3%
//	                     (birth_date_before_1900, birth_date_future),
//	                     gender_invalid 0.5% ('X', 'Nam', 'u'), name_too_short
//	                     0.2% (one letter), exact_duplicates 1% (appended full
//	                     copies: cccd_duplicate_keys/_rows, cccd_extra_rows),
//	                     person_twins 0.5% (a new valid CCCD with the same
//	                     full_name, birth_date, commune_code), nfd_twins 0.5%
//	                     (the same, with the name in NFD). person_duplicate_keys,
//	                     _rows and person_extra_rows are counted over the written
//	                     rows on [full_name, birth_date, commune_code] (raw
//	                     strings, rows with a NULL part skipped; -1 when N > 2M).
//	                     status_active/_deceased/_moved count all rows.
//	deaths.parquet       MOJ death records of the population's deceased people
//	                     (copies excluded): cccd, full_name, death_date,
//	                     registered_at, birth_date. death_before_birth 1.5%
//	                     (a birth date 1 to 365 days after the death), of which
//	                     birth_after_registration are also after the record's
//	                     registration.
//	insurance.parquet    VSS participants, 0.6N distinct people plus copies:
//	                     bhxh, cccd, full_name, birth_date, gender, employer_mst,
//	                     status, monthly_wage_vnd, updated_at.
//	                     cccd_not_in_population 1%, name_mismatch 1% (another
//	                     given name), birth_date_mismatch 0.5%, bhxh_missing
//	                     0.5% (NULL), bhxh_malformed 0.5% (9 digits),
//	                     wage_out_of_range 0.3% (negative), cccd_missing 0.5%
//	                     (NULL: the record carries only its bhxh), bhxh_duplicates
//	                     0.5% (bhxh_duplicate_keys/_rows, bhxh_extra_rows), and
//	                     deceased_active: rows whose person is deceased in the
//	                     population yet active here; status_active counts the
//	                     rows written active, copies included.
//	land_parcels.parquet MAE parcels, 0.3N plus copies, all updated 400 to 10
//	                     days before AsOf (stale): parcel_id, owner_cccd,
//	                     commune_code, area_m2, land_use, certificate_no,
//	                     issued_on, updated_at. commune_stale_code 1% (a pre-2025
//	                     ward code that is not a 2025 code), area_out_of_range
//	                     0.5% (0 or > 1e7), land_use_invalid 0.5%,
//	                     owner_cccd_missing 1%, certificate_missing 1%
//	                     (certificate_null, certificate_blank), parcel_duplicates 0.3%;
//	                     land_use_codes_used is how many of the six valid land
//	                     use codes appear.
//	students.csv         MOET pupils aged 6..19, 0.2N plus copies: student_id,
//	                     cccd, full_name, birth_date (text), gender, school_code,
//	                     grade, commune_code, updated_at. grade_out_of_range
//	                     0.5%, cccd_missing 1% (empty), birth_date_invalid_text
//	                     0.3% (not YYYY-MM-DD), name_placeholder 0.5% ('N/A'),
//	                     student_duplicates 0.5%.
//	health_cards.jsonl   MOH health-insurance cards, 0.5N plus copies: card_no
//	                     (old 15-character or new 10-digit form), cccd,
//	                     full_name, birth_date, hospital_code, valid_to,
//	                     updated_at. card_malformed 1%, valid_to_missing 1%
//	                     (null), hospital_code_missing 0.5% ("N/A"), card_duplicates 0.5%.
//	enterprises.parquet  MOF business registry, max(1000, 0.05N) plus copies:
//	                     mst (5% branches "NNNNNNNNNN-NNN", counted as
//	                     mst_branches), name, legal_rep_cccd, province_code,
//	                     registered_on, status, capital_vnd, updated_at.
//	                     mst_bad_check_digit 1%, name_missing 0.5% (name_null,
//	                     name_blank), capital_out_of_range 0.3% (negative),
//	                     mst_duplicates 0.5%.
//	residence.parquet    MPS residence registry, 0.4N distinct people plus
//	                     copies: registration_no, cccd, gender, commune_code,
//	                     registered_on, updated_at. cccd_missing 1% (NULL),
//	                     gender_coded_1_2 2% (the old forms' 1 male, 2 female
//	                     where the population registry writes M and F;
//	                     gender_coded_1 and _2 count each code),
//	                     commune_differs 1% (another 2025 commune than the
//	                     population registry's for the same person),
//	                     commune_stale_code 0.5% (a pre-2025 ward code that is
//	                     not a 2025 code), registration_duplicates 0.3%.
//
// Each defect sits on its own rows: a row carries at most one, and every
// duplicate's original is a distinct clean row, so for each "<x>_duplicates"
// the key column has <key>_duplicate_keys = <key>_extra_rows = n and
// <key>_duplicate_rows = 2n. Every dataset with updated_at also records
// updated_at_max_age_minutes, the whole minutes from its newest updated_at
// to AsOf. Timestamps are wall-clock time in Asia/Ho_Chi_Minh (Parquet
// timestamp[us] without a time zone; "YYYY-MM-DD HH:MM:SS" in CSV and JSON).
//
// Person i, and row j of every registry but students, are pure functions of
// (Seed, i) or (Seed, j), so registries are streamed in 65,536-row batches
// and derived from the population without holding it in memory (students
// follow a walk over the population and keep only the few rows they copy).
// The same Options give byte-identical files.
package demo
