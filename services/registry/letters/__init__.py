"""Letters the registry sends to the person a case is about, rendered as PDF documents.

Each module here turns a plain, frozen description of one letter into the bytes of a PDF:
no database, no HTTP, no clock, no locale. What goes into the letter is decided by the
caller (a use case that has read the decision); how it is laid out and worded in Swedish is
decided here. So a letter can be rendered, and tested, from data alone.

- `decision_letter`: the decision letter (beslutsmeddelande) for an application for an
  intervention: the outcome, the reasons, the legal basis, who decided and, when the
  decision can be appealed, how to appeal.

The text is set in Source Sans Pro, a TrueType font that comes from the `font-source-sans-pro`
package (so å, ä, ö and é render the same on every machine, whatever fonts it has).
"""
