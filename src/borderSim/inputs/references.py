"""Bibliography: the keys that parameter and mechanism sources cite.

A source string in the schema names one or more of these keys (for example ``"Fearon 1994"``) or
``record`` (``facts.md`` in the shared reference material, with the agency it credits) or
``article`` (the seed article). ``docs/ODD.md`` prints this list.
"""

REFERENCES: dict[str, str] = {
    "article": (
        "Doolotkeldieva, A. & Marat, E. (2022). Why Russia and China aren't intervening in Central Asia. "
        "Foreign Policy, October 2022 (the seed article)."
    ),
    "record": (
        "The project's record of the conflict (shared facts.md): 24.kg, Asia-Plus, TASS, RFE/RL, Fergana; "
        "Human Rights Watch (May 2023); World Bank remittance data."
    ),
    "brief": "The borderSim model brief (shared model-brief.md).",
    "Baker & Oneal 2001": (
        "Baker, W. D. & Oneal, J. R. (2001). Patriotism or opinion leadership? The nature and origins of the "
        "'rally 'round the flag' effect. Journal of Conflict Resolution 45(5)."
    ),
    "Beardsley 2008": (
        "Beardsley, K. (2008). Agreement without peace? International mediation and time inconsistency "
        "problems. American Journal of Political Science 52(4)."
    ),
    "Beardsley 2011": (
        "Beardsley, K. (2011). The Mediation Dilemma. Cornell University Press."
    ),
    "Beardsley et al. 2006": (
        "Beardsley, K., Quinn, D., Biswas, B. & Wilkenfeld, J. (2006). Mediation style and crisis outcomes. "
        "Journal of Conflict Resolution 50(1)."
    ),
    "Benson 2012": (
        "Benson, B. V. (2012). Constructing International Security: Alliances, Deterrence, and Moral "
        "Hazard. Cambridge University Press."
    ),
    "Bercovitch et al. 1991": (
        "Bercovitch, J., Anagnoson, J. T. & Wille, D. (1991). Some conceptual issues and empirical trends in "
        "the study of successful mediation in international relations. Journal of Peace Research 28(1)."
    ),
    "Cederman 1997": (
        "Cederman, L.-E. (1997). Emergent Actors in World Politics: How States and Nations Develop and "
        "Dissolve (the GeoSim model). Princeton University Press."
    ),
    "Crawford 2003": (
        "Crawford, T. W. (2003). Pivotal Deterrence: Third-Party Statecraft and the Pursuit of Peace. "
        "Cornell University Press."
    ),
    "Fearon 1994": (
        "Fearon, J. D. (1994). Domestic political audiences and the escalation of international disputes. "
        "American Political Science Review 88(3)."
    ),
    "Fortna 2003": (
        "Fortna, V. P. (2003). Scraps of paper? Agreements and the durability of peace. International "
        "Organization 57(2)."
    ),
    "Gartner & Segura 1998": (
        "Gartner, S. S. & Segura, G. M. (1998). War, casualties, and public opinion. Journal of Conflict "
        "Resolution 42(3)."
    ),
    "Grimm et al. 2020": (
        "Grimm, V. et al. (2020). The ODD protocol for describing agent-based and other simulation models: "
        "a second update to improve clarity, replication, and structural realism. JASSS 23(2) 7."
    ),
    "Kuperman 2008": (
        "Kuperman, A. J. (2008). The moral hazard of humanitarian intervention: lessons from the Balkans. "
        "International Studies Quarterly 52(1)."
    ),
    "Kydd 2003": (
        "Kydd, A. (2003). Which side are you on? Bias, credibility, and mediation. American Journal of "
        "Political Science 47(4)."
    ),
    "Lian & Oneal 1993": (
        "Lian, B. & Oneal, J. R. (1993). Presidents, the use of military force, and public opinion. "
        "Journal of Conflict Resolution 37(2)."
    ),
    "Lim et al. 2007": (
        "Lim, M., Metzler, R. & Bar-Yam, Y. (2007). Global pattern formation and ethnic/cultural violence. "
        "Science 317(5844)."
    ),
    "OSCE Bishkek 2024": (
        "OSCE Programme Office in Bishkek, 'About us' (bishkek.osce.org/node/660455): 124 fixed-term staff at "
        "31 Dec 2024, 2021 Unified Budget EUR 6,811,000; OSCE Border Management Staff College, Dushanbe (since 2009)."
    ),
    "BOMCA 2021": (
        "Border Management Programme in Central Asia, phase 10 (bomca-eu.org, 'Background'; Latvian State Border "
        "Guard; ICMPD): EUR 21.65 m over 54 months from 1 April 2021, five countries."
    ),
    "US Embassy Dushanbe 2021": (
        "U.S. Embassy Dushanbe, 'U.S.-Tajikistan Security Assistance Fact Sheet' (tj.usembassy.gov, 2021/22): "
        "> $330 m in security-sector assistance since 1992, $11.4 m in the preceding year, > $60 m committed "
        "for the next two years."
    ),
    "US Mission to the OSCE 2017": (
        "U.S. Mission to the OSCE, interpretative statement on the decision on the Programme Office in Dushanbe, "
        "1 June 2017 (osce.usmission.gov): the host governments narrowed the OSCE mandates."
    ),
    "Regan & Stam 2000": (
        "Regan, P. M. & Stam, A. C. (2000). In the nick of time: conflict management, mediation timing, "
        "and the duration of interstate disputes. International Studies Quarterly 44(2)."
    ),
    "Richardson 1960": "Richardson, L. F. (1960). Arms and Insecurity. Boxwood Press.",
    "Schelling 1966": "Schelling, T. C. (1966). Arms and Influence. Yale University Press.",
    "Tir 2010": (
        "Tir, J. (2010). Territorial diversion: diversionary theory of war and territorial conflict. "
        "Journal of Politics 72(2)."
    ),
    "Walter 2002": (
        "Walter, B. F. (2002). Committing to Peace: The Successful Settlement of Civil Wars. Princeton "
        "University Press."
    ),
    "Weeks 2008": (
        "Weeks, J. L. (2008). Autocratic audience costs: regime type and signaling resolve. International "
        "Organization 62(1)."
    ),
    "Zartman 2000": (
        "Zartman, I. W. (2000). Ripeness: the hurting stalemate and beyond. In P. Stern & D. Druckman "
        "(eds.), International Conflict Resolution after the Cold War. National Academies Press."
    ),
    "Zhang 2024": "Zhang (2024), on territorial framing of diversionary conflict, as named in the model brief.",
}
