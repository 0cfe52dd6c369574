"""The article's "Will AI Replace Medical Coders?" statements (claims), each beside what the evidence can say of it.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.article import load_ai_impact
from analysis.present.markdown import Markdown


# What the data in this kit can and cannot say about each claim (the kit's notes, keyed by topic).
EVIDENCE_NOTES = {
    "short_answer": "The exposure ratings say what share of an occupation's tasks an LLM could speed up; they do not "
                    "say whether jobs disappear. No data here confirms or refutes \"No\".",
    "ai_tools": "The data here holds no figures on which tools hospitals use or what share of cases they code.",
    "human_role": "Not measured by the ratings. Compare the exposure of Medical Records Specialists with compliance "
                  "and auditing occupations above.",
    "role_shift": "No data here tracks what coders do over time. The scenario below shows the arithmetic of such "
                  "a shift under assumptions you choose.",
    "entry_level_jobs": "No data here splits jobs by career level. The scenario below is a what-if, not evidence.",
    "higher_skill_roles": "The ratings measure exposure, not growth. See the compared occupations above for their "
                          "exposure.",
    "best_strategy": "Advice, not a fact to check.",
}


def article_claims() -> pd.DataFrame:
    """The article's AI statements (claims, qualitative) side by side with what the data here can say.

    >>> c = article_claims()
    >>> c.kind.unique().tolist()
    ['claim (qualitative, no figure)']
    >>> c.set_index("topic").loc["short_answer", "statement"]
    'No, but AI is changing the role.'
    """
    claims = load_ai_impact()
    frame = claims[["claim_id", "topic", "statement"]].assign(
        kind="claim (qualitative, no figure)",
        what_the_data_here_can_say=claims.topic.map(EVIDENCE_NOTES).fillna("No note yet."),
    )
    frame.attrs.update(claims.attrs)
    return frame


def claims_note() -> Markdown:
    """Why the claims are shown as claims: the article gives no figure and no source for its AI section.

    >>> "no figure" in claims_note().data
    True
    """
    claims = load_ai_impact()
    return Markdown(
        f"The article's AI section makes {len(claims)} statements. It gives no figure and no source for any of them "
        f"(it names tools, 3M 360 Encompass and Optum CAC, but measures nothing). They are shown here as **claims**. "
        f"The exposure ratings above are the only quantitative evidence on AI in this kit, and they measure "
        f"something else: which tasks an LLM could speed up, not what happens to jobs."
    )
