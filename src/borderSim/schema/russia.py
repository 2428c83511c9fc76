"""Russia / CSTO: biased patron, no military intervention between members."""

from __future__ import annotations

from borderSim.schema.fields import Group, param


class RussiaParams(Group):
    """Russia / CSTO: biased patron, no military intervention between members."""

    attention: float = param(
        0.6, ge=0, le=1, unit="index 0-1",
        description="Attention Moscow spares for the region before any dated change (calendar.changes: the war "
                    "in Ukraine lowers it from 24 Feb 2022).",
        source="article (war in Ukraine; Putin at the SCO summit in Samarkand, 15-16 Sep 2022)", role="exogenous")
    bias: float = param(
        0.6, ge=-1, le=1, unit="index -1..1",
        description="Russian bias toward Tajikistan (+1) or Kyrgyzstan (-1).",
        source="article (Rahmon loyal to Putin; Kyrgyz neutrality on Ukraine)", role="lever")
    patronage: float = param(
        0.5, ge=0, le=1, unit="index 0-1",
        description="Diplomatic shielding the favoured client expects from Moscow.",
        source="article ('enjoys close relations with the Kremlin'); Benson 2012", role="lever")
    mediation_propensity: float = param(
        0.01, ge=0, le=1, unit="probability/day",
        description="Daily chance, at full attention, that Russia offers mediation in an episode at a standoff "
                    "with no Western mediator about (its objectives multiply it).",
        source="record (CSTO made calls only in 2022); RFE/RL (Putin's trilateral in Astana, 13 Oct 2022, "
               "after the war)", role="lever")
    flank_aversion: float = param(
        1.0, ge=0, le=10, unit="factor per rung",
        description="Rise of Russia's offers per rung of fighting above a standoff (instability on its flank).",
        source="article (no wish to see the region become a source of instability on its southern border); "
               "record (Putin's calls on day 4-5 of the 2022 war)")
    keep_out: float = param(
        2.0, ge=0, le=10, unit="factor",
        description="Rise of Russia's offers while a Western mediator mediates or is offering (keeping others out).",
        source="article (Russia not interested in a Central Asia united without its patronage; Russia will "
               "oppose an expanded Western presence)")
    keep_out_pressure: float = param(
        2.0, ge=0, le=20, unit="logit at full attention and bias",
        description="Fall in its client's acceptance of a Western offer made without Russia (declines to back it).",
        source="article (as keep_out); RFE/RL (the Astana trilateral of 13 Oct 2022: the file kept in a "
               "Russia-led format)")
    restraint: float = param(
        1.0, ge=0, le=10, unit="utility",
        description="Pressure Russia puts on its own client when it mediates.", source="Kydd 2003", role="lever")
    client_alternatives: float = param(
        0.4, ge=0, le=1, unit="share",
        description="Share of Russia's restraint lost because its client has other partners.",
        source="Crawford 2003; record (Chinese base, Iranian drone plant in Tajikistan)")
    remittance_leverage: float = param(
        2.0, ge=0, le=10, unit="utility per GDP share",
        description="Restraint Russia's remittance leverage puts on escalating into fighting (full at war), at "
                    "full attention, whether or not it mediates.",
        source="record (remittances 31-51 % of GDP, mostly from Russia; 627,000 Tajik and 411,000 Kyrgyz "
               "migrants in Russia); article (strong economic influence)")
    arms_leverage: float = param(
        1.0, ge=0, le=10, unit="utility per arms share",
        description="Restraint Russia's arms supplies put on escalating into fighting (full at war), at full "
                    "attention.",
        source="article (Russian arms and training for Tajikistan, Russian APCs for Kyrgyzstan)")
    ceasefire_effect: float = param(
        1.5, ge=0, le=20, unit="factor at full attention",
        description="Rise of the daily ceasefire chance while Russia mediates (before client alternatives).",
        source="Kydd 2003 (a biased mediator is effective when it can deliver its client)")
    guarantor_strength: float = param(
        0.2, ge=0, le=1, unit="index 0-1",
        description="Ceasefire strength Russia adds as a guarantor, at full attention.", source="Walter 2002",
        role="lever")
