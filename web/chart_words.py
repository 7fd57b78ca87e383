"""The words of the Balance page's charts (``web.charts.ChartText``) in the
reader's language."""

from babel.numbers import format_decimal

from events.enums import Gender, RegistrationStatus
from events.statistics import AGE_BANDS, UNSPECIFIED
from locales.translator import Translator
from web.charts import ChartText
from web.wording import gender_label, status_label


def _age_band(t: Translator, key: str, lowest: int, highest: int) -> str:
    named = {"under_18": t.gettext("under 18"), "36_and_over": t.gettext("36 and over")}
    return named.get(key, f"{lowest}–{highest}")


def chart_text(t: Translator) -> ChartText:
    return ChartText(
        number=lambda value: format_decimal(value, locale=t.locale),
        country_name=t.country,
        country_gender_title=t.gettext("Seats by country and gender"),
        gender_title=t.gettext("Seats by gender"),
        age_title=t.gettext("Seats by age"),
        first_timers_title=t.gettext("First-timers and returning participants"),
        funnel_title=t.gettext("From registration to attendance"),
        country=t.gettext("Country"),
        gender=t.gettext("Gender"),
        age=t.gettext("Age"),
        status=t.gettext("Status"),
        people=t.gettext("People"),
        total=t.gettext("Total"),
        quota=t.gettext("Quota"),
        target=t.gettext("Target"),
        no_data=t.gettext("No seats are taken yet."),
        unspecified=t.gettext("Not given"),
        other_ages=t.gettext("Other ages"),
        first_timer=t.gettext("Taking part for the first time"),
        returning=t.gettext("Taken part before"),
        registrations=t.gettext("Registrations"),
        funnel_step=t.gettext("Reached this step"),
        funnel_now=t.gettext("Status now"),
        genders={str(gender): gender_label(t, gender) for gender in Gender},
        statuses={str(status): status_label(t, status) for status in RegistrationStatus},
        age_bands={
            **{key: _age_band(t, key, low, high) for key, low, high in AGE_BANDS},
            UNSPECIFIED: t.gettext("Not given"),
        },
    )
