"""Everything the pages say that depends on data: role and service names and problem codes, in
Swedish, in one place."""

ROLES = {
    "caseworker": "Handläggare",
    "supervisor": "Arbetsledare",
    "provider_user": "Utförare",
    "citizen": "Enskild",
}

# The units of the local stack (deploy/local/staff.yaml) offered by the development sign-in.
UNITS = {
    "vuxen": "Vuxen",
    "barn": "Barn och familj",
}

# Why a sign-in through the identity provider did not end signed in (services/web/pages/sign_in.py).
SIGN_IN = {
    "unknown_state": "Inloggningen kunde inte slutföras: den hör inte till den här webbläsarens inloggning eller har"
                     " tagit för lång tid. Börja om.",
    "refused": "Inloggningstjänsten godkände inte inloggningen. Börja om.",
    "failed": "Inloggningen kunde inte slutföras eftersom svaret från inloggningstjänsten inte gick att lita på."
              " Börja om.",
    "unavailable": "Inloggningstjänsten svarar inte just nu. Försök igen om en stund.",
    "no_role": "Din inloggning har ingen roll som Omsorgs webb har sidor för.",
}

SERVICES = {
    "registry": "Socialregistret",
    "journal": "Journalen",
    "orders": "Beställningar",
    "watch": "Bevakningar",
    "notify": "Aviseringar",
}

PROBLEMS = {
    "invalid_personal_identity_number":
        "Personnumret är ogiltigt. Kontrollera att det har 10 eller 12 siffror, ett datum som finns och rätt"
        " kontrollsiffra.",
    "forbidden": "Du har inte behörighet att göra detta.",
    "other_unit": "Du får bara se din egen enhets listor.",
    "no_unit": "Din inloggning har ingen enhet, så enhetens listor kan inte visas.",
    "not_your_list": "Du får inte se den listan.",
    "invalid_cursor": "Sidan i listan finns inte längre. Börja om från första sidan.",
    "invalid_quarter": "Kvartalet finns inte. Välj ett kvartal i listan, eller skriv det som ÅÅÅÅ-Kn, till exempel"
                       " 2026-Q3.",
    "invalid_month": "Månaden finns inte. Välj en månad i listan, eller skriv den som ÅÅÅÅ-MM, till exempel 2026-03.",
    "other_provider": "Du får bara se din egen utförares ersättningsunderlag.",
    "report_too_large": "Enheten har för många beslut för att rapporten ska kunna visas. Kontakta supporten.",
    "csrf": "Formuläret kunde inte tas emot eftersom det saknar en giltig säkerhetskod. Ladda om sidan och försök"
            " igen.",
}

# A form's field that the service found invalid (a required one left empty, a date that is no
# date, a text too long), by the field's name.
FIELD_INVALID = {
    "occurred_on": "Skriv datumet då det hände, som ÅÅÅÅ-MM-DD, till exempel 2026-03-09.",
    "text": "Skriv anteckningens text (högst 20 000 tecken).",
    "source": "Välj varifrån uppgifterna kommer.",
    "reason": "Skriv varför anteckningen rättas (högst 2 000 tecken).",
}

# A service's refusal of a form, by the problem's code: the field it concerns ("form" for the
# whole form) and what to say there.
FORM_PROBLEMS = {
    "validation_error": ("form", "Formuläret kunde inte sparas. Kontrollera fälten och försök igen."),
    "source_missing": ("source", "Välj varifrån uppgifterna kommer."),
    "occurred_on_in_future": ("occurred_on", "Datumet då det hände kan inte vara senare än i dag."),
    "nothing_to_correct": ("text", "Rättelsen ändrar ingenting. Ändra texten, eller avbryt."),
    "case_closed": ("form", "Ärendet är avslutat, så inget kan skrivas eller rättas i journalen."),
    "case_not_known": ("form", "Journalen känner inte till ärendet än, eller så får du inte skriva i det. Försök"
                               " igen om en stund."),
    "forbidden": ("form", "Du har inte behörighet att göra detta."),
    "note_not_found": ("form", "Anteckningen finns inte, eller så får du inte se den."),
    "note_removed": ("form", "Anteckningen är borttagen och kan inte rättas."),
    "idempotency_key_reused": ("form", "Formuläret har redan skickats med annat innehåll. Ladda om sidan och"
                                       " försök igen."),
    # Someone else changed the note after the form was shown (a version, a signature, an addendum).
    "etag_mismatch": ("form", "Någon annan har ändrat anteckningen sedan du öppnade formuläret. Den gällande"
                              " versionen visas nu ovanför formuläret. Din text finns kvar: läs den gällande"
                              " versionen och spara igen om din rättelse fortfarande behövs."),
    "version_conflict": ("form", "Någon annan har rättat anteckningen sedan du öppnade formuläret. Den gällande"
                                 " versionen visas nu ovanför formuläret. Din text finns kvar: läs den gällande"
                                 " versionen och spara igen om din rättelse fortfarande behövs."),
}

# A refusal of a form that none of the texts above explains.
FORM_FAILED = "Det gick inte att spara. Försök igen, och kontakta supporten om felet kvarstår."

# A provider's answer to an order (orders' /provider/orders/{id}/...) that the service found
# invalid, by the field's name.
ORDER_FIELD_INVALID = {
    "reason": "Skriv varför ni avvisar beställningen (högst 2 000 tecken).",
    "started_on": "Skriv datumet då insatsen började, som ÅÅÅÅ-MM-DD, till exempel 2026-03-16.",
    "delivered_on": "Skriv datumet då tiden utfördes, som ÅÅÅÅ-MM-DD, till exempel 2026-03-17.",
    "quantity": "Skriv ett helt antal, minst 1: högst 1 440 minuter eller 1 000 enheter.",
    "minutes": "Skriv antalet minuter som ett helt tal, från 1 till 1 440.",
    "units": "Skriv antalet enheter som ett helt tal, från 1 till 1 000.",
}

# The orders service's refusal of a provider's answer, by its problem code: the field it concerns
# and what to say there.
ORDER_PROBLEMS = {
    "validation_error": ("form", "Uppgifterna kunde inte sparas. Kontrollera fälten och försök igen."),
    "etag_mismatch": ("form", "Beställningen har ändrats sedan du öppnade den, till exempel återkallats av"
                              " kommunen. Den visas nu som den är; gör om det du ville om det fortfarande går."),
    "illegal_transition": ("form", "Det går inte att göra så med beställningen i det läge den har nu."),
    "order_not_found": ("form", "Beställningen finns inte, eller så får du inte se den."),
    "outside_decision_validity": ("form", "Datumet ligger utanför den tid som beslutet gäller."),
    "date_in_future": ("form", "Datumet kan inte vara senare än i dag."),
    "before_start": ("delivered_on", "Datumet är före den dag insatsen började."),
    "delivery_exceeds_day": ("quantity", "Med den här rapporten blir det mer än ett dygn (1 440 minuter eller"
                                         " 1 000 enheter) för beställningen den dagen."),
    "no_price": ("measure", "Insatsen har inget pris i den enheten. Välj den andra."),
    "case_closed": ("form", "Ärendet är avslutat hos kommunen, så ingen tid kan rapporteras."),
    "idempotency_key_reused": ("form", "Formuläret har redan skickats med annat innehåll. Ladda om sidan och"
                                       " försök igen."),
    "forbidden": ("form", "Du har inte behörighet att göra detta."),
}

# The journal's refusal of a citizen's own comment beside a note.
ADDENDUM_FIELD_INVALID = {
    "text": "Skriv din kommentar (högst 20 000 tecken).",
}
ADDENDUM_PROBLEMS = {
    "validation_error": ("form", "Kommentaren kunde inte sparas. Kontrollera texten och försök igen."),
    "note_not_found": ("form", "Anteckningen finns inte, eller så kan du inte se den."),
    "idempotency_key_reused": ("form", "Formuläret har redan skickats med annat innehåll. Ladda om sidan och"
                                       " försök igen."),
    "forbidden": ("form", "Du har inte behörighet att göra detta."),
}

# The registry's refusal of a supervisor's approval or refusal of a decision.
APPROVAL_FIELD_INVALID = {
    "reason": "Skriv varför beslutet inte attesteras (högst 2 000 tecken).",
}
APPROVAL_PROBLEMS = {
    "validation_error": ("form", "Uppgifterna kunde inte sparas. Kontrollera fälten och försök igen."),
    "reason_missing": ("reason", "Skriv varför beslutet inte attesteras (högst 2 000 tecken)."),
    "etag_mismatch": ("form", "Beslutet har ändrats sedan du öppnade det. Det visas nu som det är; attestera"
                              " eller neka igen om det fortfarande behövs."),
    "decision_not_awaiting_approval": ("form", "Beslutet väntar inte på attest längre: det är redan attesterat"
                                               " eller nekat."),
    "own_decision": ("form", "Du kan inte attestera ett beslut som du själv har fattat."),
    "delegation_insufficient": ("form", "Din delegation räcker inte för att attestera det här beslutet, eller så"
                                        " finns du inte i personalkatalogen."),
    "delegation_other_unit": ("form", "Du har delegation för en annan enhet än ärendets."),
    "decision_not_found": ("form", "Beslutet finns inte, eller så får du inte se det."),
    "case_not_found": ("form", "Ärendet finns inte, eller så får du inte se det."),
    "forbidden": ("form", "Du har inte behörighet att attestera beslut."),
}

# The caseworker's decision form (the registry's POST /cases/{id}/decisions): a field the registry
# found invalid, by the field's name (a nested one, such as communication's, by its own name).
DECISION_FIELD_INVALID = {
    "intervention": "Välj en insats ur insatskatalogen.",
    "outcome": "Välj om ansökan beviljas, beviljas delvis eller avslås.",
    "reasons": "Skriv skälen för beslutet (högst 20 000 tecken).",
    "legal_basis": "Skriv lagrummet beslutet grundas på (högst 500 tecken), till exempel 4 kap. 1 §"
                   " socialtjänstlagen (2025:400).",
    "scope_amount": "Skriv omfattningen som ett tal större än noll, med högst två decimaler, till exempel 24 eller"
                    " 7,5.",
    "valid_from": "Skriv datumet då beslutet börjar gälla, som ÅÅÅÅ-MM-DD, till exempel 2026-03-09.",
    "valid_to": "Skriv datumet då beslutet slutar gälla som ÅÅÅÅ-MM-DD, eller lämna fältet tomt om det gäller"
                " tills vidare.",
    "follow_up_on": "Skriv datumet för uppföljning som ÅÅÅÅ-MM-DD, eller lämna fältet tomt.",
    "communicated": "Välj om underlaget har kommunicerats med den enskilde.",
    "communicated_on": "Skriv datumet då underlaget kommunicerades, som ÅÅÅÅ-MM-DD.",
    "method": "Välj hur underlaget kommunicerades.",
    "not_communicated_reason": "Skriv varför underlaget inte kommunicerades (högst 2 000 tecken).",
}

# The registry's refusal of a decision, by its problem code: the field it concerns and what to say.
DECISION_PROBLEMS = {
    "validation_error": ("form", "Beslutet kunde inte sparas. Kontrollera fälten och försök igen."),
    "unknown_intervention": ("intervention", "Välj en insats ur insatskatalogen."),
    # FL 32 §: which provisions were applied and which circumstances decided the outcome (docs/law.md, 4.2).
    "reasons_missing": ("reasons", "Skriv skälen för beslutet: vilka omständigheter som har varit avgörande för"
                                   " ställningstagandet (förvaltningslagen 32 §)."),
    "legal_basis_missing": ("legal_basis", "Skriv lagrummet beslutet grundas på, till exempel 4 kap. 1 §"
                                           " socialtjänstlagen (2025:400)."),
    "scope_of_rejection": ("scope_amount", "Ett avslag beviljar ingen omfattning. Lämna fältet tomt."),
    "scope_not_measured": ("scope_amount", "Insatsen har ingen omfattning att bevilja. Lämna fältet tomt."),
    "scope_not_positive": ("scope_amount", "Omfattningen ska vara större än noll."),
    "validity_reversed": ("valid_to", "Slutdatumet ligger före datumet då beslutet börjar gälla."),
    "follow_up_before_validity": ("follow_up_on", "Uppföljningen ligger före datumet då beslutet börjar gälla."),
    "follow_up_after_validity": ("follow_up_on", "Uppföljningen ligger efter datumet då beslutet slutar gälla."),
    "communication_incomplete": ("communicated_on", "Skriv när och välj hur underlaget kommunicerades."),
    "communicated_after_decision": ("communicated_on", "Underlaget ska ha kommunicerats före beslutet, alltså"
                                                       " senast i dag."),
    "communicated_before_investigation": ("communicated_on", "Datumet ligger före utredningens start."),
    "communication_contradictory": ("not_communicated_reason", "Skriv ett skäl bara när underlaget inte har"
                                                               " kommunicerats, och ett datum och sätt bara när"
                                                               " det har det."),
    "communication_reason_missing": ("not_communicated_reason", "Skriv varför underlaget inte kommunicerades,"
                                                                " till exempel att ansökan beviljas helt."),
    "investigation_required": ("form", "Ärendet har ingen pågående utredning att fatta beslut på. Om beslutet"
                                       " redan är fattat syns det i ärendet."),
    "no_investigation": ("form", "Ärendet har ingen utredning. Ett beslut fattas på en utredning: inled en"
                                 " först."),
    "investigation_not_on_case": ("form", "Utredningen hör inte till ärendet."),
    "case_closed": ("form", "Ärendet är avslutat, så inga beslut kan fattas i det."),
    "case_not_found": ("form", "Ärendet finns inte, eller så får du inte se det."),
    "case_removed": ("form", "Ärendet är borttaget."),
    "idempotency_key_reused": ("form", "Beslutet är redan fattat med det här formuläret, med annat innehåll. Det"
                                       " syns i ärendet; ladda om sidan för ett nytt beslut."),
    "forbidden": ("form", "Du har inte behörighet att fatta beslut i ärendet."),
}

# The caseworker's order of a case (orders' POST /orders, and an order's send, recall and
# redirect): a field the orders service found invalid, by the field's name.
CASE_ORDER_FIELD_INVALID = {
    "provider_id": "Välj en utförare.",
    "details": "Skriv vad utföraren behöver veta (högst 20 000 tecken).",
    "wanted_start": "Skriv önskat startdatum som ÅÅÅÅ-MM-DD, till exempel 2026-03-16.",
    "reason": "Skriv skälet (högst 2 000 tecken).",
}

# The orders service's refusal of a caseworker's order, by its problem code.
CASE_ORDER_PROBLEMS = {
    "validation_error": ("form", "Beställningen kunde inte sparas. Kontrollera fälten och försök igen."),
    "unknown_provider": ("provider_id", "Utföraren finns inte. Välj en annan."),
    "provider_does_not_offer": ("provider_id", "Utföraren erbjuder inte den här insatsen. Välj en annan."),
    "same_provider": ("provider_id", "Beställningen är redan skickad till den utföraren. Välj en annan."),
    "outside_decision_validity": ("wanted_start", "Önskat startdatum ligger utanför den tid som beslutet gäller."),
    "intervention_not_ordered": ("form", "Insatsen beställs inte av en utförare: den verkställs av enheten själv"
                                         " eller genom utbetalning."),
    "decision_not_known": ("form", "Beställningar känner inte till beslutet än. Försök igen om en stund."),
    "decision_of_other_case": ("form", "Beslutet hör till ett annat ärende."),
    "decision_rejected": ("form", "Beslutet är ett avslag, så det finns inget att beställa."),
    "decision_not_in_force": ("form", "Beslutet gäller inte: det väntar på attest eller har nekats attest."),
    "decision_lapsed": ("form", "Beslutet gäller inte längre."),
    "intervention_not_decided": ("form", "Beslutet gäller en annan insats."),
    "case_closed": ("form", "Ärendet är avslutat, så inget kan beställas i det."),
    "case_not_known": ("form", "Beställningar känner inte till ärendet än. Försök igen om en stund."),
    "case_removed": ("form", "Ärendet är borttaget."),
    "illegal_transition": ("form", "Det går inte att göra så med beställningen i det läge den har nu. Den visas"
                                   " nu som den är."),
    "etag_mismatch": ("form", "Beställningen har ändrats sedan du öppnade den, till exempel bekräftats av"
                              " utföraren. Den visas nu som den är; gör om det du ville om det fortfarande går."),
    "order_not_found": ("form", "Beställningen finns inte, eller så får du inte se den."),
    "idempotency_key_reused": ("form", "Formuläret har redan skickats med annat innehåll. Ladda om sidan och"
                                       " försök igen."),
    "forbidden": ("form", "Du har inte behörighet att beställa i ärendet."),
}

# The registry's refusal of a case handed over to another responsible caseworker.
REASSIGNMENT_FIELD_INVALID = {
    "caseworker": "Välj vem som ska bli ansvarig handläggare.",
    "reason": "Skriv varför ärendet byter handläggare (högst 2 000 tecken).",
}
REASSIGNMENT_PROBLEMS = {
    "validation_error": ("form", "Uppgifterna kunde inte sparas. Kontrollera fälten och försök igen."),
    "etag_mismatch": ("form", "Ärendet har ändrats sedan du öppnade formuläret, till exempel fått en annan"
                              " ansvarig handläggare. Det visas nu som det är; välj och spara igen om bytet"
                              " fortfarande behövs."),
    "already_responsible": ("caseworker", "Den du valde är redan ansvarig för ärendet. Välj någon annan."),
    "unknown_caseworker": ("caseworker", "Den du valde finns inte i personalkatalogen för ärendets enhet."
                                         " Välj någon i listan."),
    "caseworker_other_unit": ("caseworker", "Den du valde arbetar i en annan enhet enligt personalkatalogen."
                                            " Välj någon i ärendets enhet."),
    "caseworker_not_active": ("caseworker", "Den du valde är inte i tjänst i dag enligt personalkatalogen."
                                            " Välj någon annan."),
    "not_responsible": ("form", "Du får bara byta handläggare i ett ärende som du själv är ansvarig för, eller"
                                " som arbetsledare för din egen enhet."),
    "case_closed": ("form", "Ärendet är avslutat, så det kan inte byta handläggare."),
    "case_removed": ("form", "Ärendet är borttaget, så det kan inte byta handläggare."),
    "case_not_found": ("form", "Ärendet finns inte, eller så får du inte se det."),
    "forbidden": ("form", "Du har inte behörighet att byta handläggare i ärendet."),
}

# Registering a person (the registry's POST /persons).
PERSON_FIELD_INVALID = {
    "pin": PROBLEMS["invalid_personal_identity_number"],
    "first_name": "Skriv personens förnamn (högst 200 tecken).",
    "last_name": "Skriv personens efternamn (högst 200 tecken).",
    "street": "Skriv gatuadressen (högst 200 tecken), eller lämna alla adressfälten tomma.",
    "postal_code": "Skriv postnumret (högst 20 tecken), eller lämna alla adressfälten tomma.",
    "city": "Skriv orten (högst 100 tecken), eller lämna alla adressfälten tomma.",
}
PERSON_PROBLEMS = {
    "invalid_personal_identity_number": ("pin", PROBLEMS["invalid_personal_identity_number"]),
    "person_exists": ("pin", "Det finns redan en person med det personnumret i socialregistret."),
    "forbidden": ("form", "Du har inte behörighet att registrera personer."),
}

# Opening a case (the registry's POST /cases).
CASE_FIELD_INVALID = {
    "kind": "Välj vilket slags ärende det är.",
    "unit": "Välj enheten som ärendet hör till.",
}
CASE_PROBLEMS = {
    "other_unit": ("unit", "Du kan bara öppna ärenden i din egen enhet."),
    "person_not_found": ("form", "Personen finns inte i socialregistret, eller så får du inte se den."),
    "forbidden": ("form", "Du har inte behörighet att öppna ärenden."),
    "idempotency_key_reused": ("form", "Formuläret har redan skickats med andra uppgifter. Ladda om sidan och"
                                       " försök igen."),
}

# Starting an investigation (the registry's POST /cases/{id}/investigations).
INVESTIGATION_PROBLEMS = {
    "investigation_ongoing": "Ärendet har redan en pågående utredning.",
    "case_closed": "Ärendet är avslutat, så ingen utredning kan inledas.",
    "case_removed": "Ärendet är borttaget, så ingen utredning kan inledas.",
    "case_not_found": "Ärendet finns inte, eller så får du inte se det.",
    "other_unit": "Du kan bara inleda utredningar i din egen enhets ärenden.",
    "forbidden": "Du har inte behörighet att inleda utredningar.",
}

# What a page confirms after a form was saved and the browser was sent back to it.
DONE = {
    "note_written": "Journalanteckningen är sparad. Den är inte signerad än.",
    "note_corrected": "Rättelsen är sparad. Den tidigare versionen finns kvar, struken.",
    "order_confirmed": "Beställningen är bekräftad. Kommunen kan inte längre återkalla den.",
    "order_rejected": "Beställningen är avvisad. Kommunen får veta skälet.",
    "order_started": "Insatsen är rapporterad som påbörjad.",
    "delivery_reported": "Den utförda tiden är rapporterad.",
    "addendum_written": "Din kommentar är sparad. Handläggaren ser den bredvid anteckningen.",
    "decision_approved": "Beslutet är attesterat och gäller nu.",
    "decision_refused": "Attesten är nekad. Beslutet kommer inte att gälla.",
    "decision_made": "Beslutet är fattat och gäller.",
    "decision_awaiting_approval": "Beslutet är sparat men ligger över din delegation. Det gäller först när någon"
                                  " med rätt delegation har attesterat det.",
    "order_created": "Beställningen är sparad som utkast. Den skickas till utföraren först när du skickar den.",
    "order_sent": "Beställningen är skickad till utföraren.",
    "order_recalled": "Beställningen är återkallad. Utföraren får veta det.",
    "order_redirected": "Beställningen är återkallad hos den förra utföraren och skickad till den nya.",
    "case_reassigned": "Ärendet har en ny ansvarig handläggare. Skälet är sparat i registret.",
    "person_registered": "Personen är registrerad i socialregistret.",
    "case_opened": "Ärendet är öppnat. Du är ansvarig handläggare.",
    "investigation_started": "Utredningen är inledd.",
}

# The report to IVO of decisions not carried out (the watch's statuses and the registry's delay reasons).
REPORT_STATUSES = {
    "not_executed": "Inte verkställt",
    "executed_late": "Verkställt efter mer än tre månader",
    "ended_unexecuted": "Avslutat utan att verkställas",
    "interrupted": "Avbrutet, inte återupptaget inom tre månader",
    "resumed_late": "Återupptaget efter mer än tre månader",
}

DELAY_REASONS = {
    "no_place_available": "Brist på plats",
    "staff_shortage": "Brist på personal",
    "no_suitable_provider": "Ingen lämplig utförare",
    "declined_offer": "Den enskilde har tackat nej till erbjudande",
    "person_wishes_specific": "Önskemål om visst boende, utförare eller tid",
    "person_wishes_to_wait": "Den enskilde vill vänta",
    "person_unreachable": "Den enskilde har inte gått att nå",
    "health_reason": "Den enskildes hälsotillstånd",
    "partly_carried_out": "Delvis verkställt",
    "other": "Annat skäl",
}

GENDERS = {
    "female": "Kvinna",
    "male": "Man",
}

DELIVERY_MEASURES = {
    "minutes": "Minuter",
    "units": "Enheter",
}

# The start page's and the case page's words for the services' codes.
WATCH_KINDS = {
    "order_escalated": "Obekräftad beställning, eskalerad",
    "order_unconfirmed": "Beställningen är inte bekräftad av utföraren",
    "decision_unexecuted": "Beslutet är inte verkställt",
    "protection_assessment_due": "Skyddsbedömning",
    "assessment_due": "Förhandsbedömning",
    "investigation_due": "Utredningen ska vara klar",
    "decision_lapsing": "Beslutet upphör snart att gälla",
    "follow_up": "Uppföljning av beslut",
    "placement_review": "Övervägande av placering",
    "note_unsigned": "Osignerad journalanteckning",
    "culling_unconfirmed": "Gallring som inte alla tjänster har bekräftat",
    "culling_due": "Personakter att gallra",
}

# What a watch is about, where the web has a page of its own for it: the start page links there.
WATCH_SUBJECT_PAGES = {
    "order": {"name": "Beställningen", "path": "/orders/"},
    "inquiry": {"name": "Aktualiseringen", "path": "/inquiries/"},
}

INQUIRY_KINDS = {
    "application": "Ansökan",
    "report_of_concern": "Orosanmälan",
    "other_information": "Övrig information",
}

ASSESSMENT_OUTCOMES = {
    "open_investigation": "Utredning inleds",
    "no_investigation": "Ingen utredning inleds",
}

CASE_KINDS = {
    "SoL": "SoL",
    "LSS": "LSS",
    "LVU": "LVU",
    "LVM": "LVM",
    "family_law": "Familjerätt",
    "financial_aid": "Ekonomiskt bistånd",
    "elderly_care": "Äldreomsorg",
}

OUTCOMES = {
    "granted": "Bifall",
    "partly_granted": "Delvis bifall",
    "rejected": "Avslag",
}

DECISION_STATUSES = {
    "in_force": "Gäller",
    "awaiting_approval": "Väntar på attest",
    "refused": "Attest nekad",
}

DELEGATION_LEVELS = {
    "caseworker": "Handläggare",
    "supervisor": "Arbetsledare eller enhetschef",
    "committee": "Nämnden",
}

ORDER_STATES = {
    "draft": "Utkast",
    "sent": "Skickad",
    "opened": "Öppnad av utföraren",
    "confirmed": "Bekräftad",
    "started": "Verkställd",
    "rejected": "Avvisad av utföraren",
    "recalled": "Återkallad",
    "ended": "Avslutad",
}

# An order's state in the provider's words (its inbox and order page).
PROVIDER_ORDER_STATES = {
    "sent": "Ny",
    "opened": "Öppnad, inte besvarad",
    "confirmed": "Bekräftad",
    "started": "Påbörjad",
    "rejected": "Avvisad",
    "recalled": "Återkallad av kommunen",
    "ended": "Avslutad",
}

NOTE_SOURCES = {
    "person": "Den enskilde",
    "relative": "Anhörig",
    "other_authority": "Annan myndighet",
    "own_observation": "Egen iakttagelse",
    "other": "Annat",
}

COMMUNICATION_METHODS = {
    "meeting": "Vid möte",
    "phone": "Per telefon",
    "letter": "Per brev",
    "digital": "Digitalt",
}

SCOPE_UNITS = {
    "hours_per_month": "timmar per månad",
    "days": "dagar",
    "amount_sek": "kronor",
    "none": "",
}

# What a page says when a service refuses or cannot find what was asked, by the problem's code.
NOT_FOUND = {
    "case_not_found": "Ärendet finns inte, eller så får du inte se det.",
    "case_removed": "Ärendet är borttaget och visas inte.",
    "inquiry_not_found": "Aktualiseringen finns inte, eller så får du inte se den.",
    "order_not_found": "Beställningen finns inte, eller så får du inte se den.",
    "note_not_found": "Anteckningen finns inte, eller så kan du inte se den.",
    "decision_not_found": "Beslutet finns inte, eller så får du inte se det.",
    "no_letter": "Beslutet har inget beslutsmeddelande, eftersom det fattades utan skäl.",
    "no_identity": "Din inloggning har inget personnummer, så dina uppgifter kan inte visas.",
}

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")


def problem(code: str | None) -> str:
    """A service's refusal in Swedish, by its problem code."""
    return PROBLEMS.get(code) or NOT_FOUND.get(code) or "Uppgifterna kunde inte hämtas."
