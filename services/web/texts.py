"""Everything the pages say that depends on data: role and service names and problem codes, in
Swedish, in one place."""

ROLES = {
    "caseworker": "Handläggare",
    "supervisor": "Arbetsledare",
    "provider_user": "Utförare",
}

# The units of the local stack (deploy/local/staff.yaml) offered by the development sign-in.
UNITS = {
    "vuxen": "Vuxen",
    "barn": "Barn och familj",
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
    "csrf": "Formuläret kunde inte tas emot eftersom det saknar en giltig säkerhetskod. Ladda om sidan och försök"
            " igen.",
}
