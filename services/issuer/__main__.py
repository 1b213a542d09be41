"""`python -m services.issuer rotate-key`: a new signing key for the development issuer; the previous
one is still published, so tokens signed with it stay valid until they expire. A running issuer
takes the new key at its next request."""
import sys

from services.issuer.keys import KeyStore
from services.issuer.settings import IssuerSettings


def main(argv: list[str]) -> int:
    if argv != ["rotate-key"]:
        print("usage: python -m services.issuer rotate-key", file=sys.stderr)
        return 2
    settings = IssuerSettings()
    print(KeyStore(settings.issuer_key_dir).rotate())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
