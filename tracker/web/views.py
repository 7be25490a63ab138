"""The coordinator pages: what needs attention, what they own, and the briefing for the next meeting.

Plain function views. Each list is one query (plus a fixed few), whatever its length; every change goes
through the domain (tracker.domain.workflow, tracker.domain.milestones), which checks permissions and stale copies.
"""

import datetime
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.data import exports
from tracker.delivery import notifications
from tracker.documents import formats
from tracker.domain import formulas, meeting_file, milestones, permissions, text_search, trade, workflow
from tracker.domain.actors import name_of
from tracker.domain.choices import Flow, Health, Status
from tracker.domain.errors import ExportTooLarge, StaleVersion, TransitionNotAllowed, UnfinishedWork
from tracker.domain.inputs import whole_number
from tracker.domain.search import InitiativeFilter
from tracker.models import (
    Area,
    Initiative,
    Milestone,
    Observation,
    Organisation,
    Region,
    StatusUpdate,
    TradeIndicator,
)
from tracker.models.initiatives import has_overdue_milestone
from tracker.web import charts, downloads, journal_cache
from tracker.web.formatting import format_period
from tracker.web.forms import (
    BriefingForm,
    BulkUpdateForm,
    MilestoneChangeForm,
    MilestoneDoneForm,
    MilestoneForm,
    MilestoneReasonForm,
    StatusUpdateForm,
    filters_for_people,
    record_choices_from_cache,
)

PAGE_SIZE = 25
INDICATOR_PAGE_SIZE = 50
ORDERINGS = {
    "relevance": [text_search.rank(), "code"],  # the best match of a search first
    "code": ["code"],
    "-updated": ["-updated_at", "-id"],
    "planned_end": ["planned_end", "code"],
    "priority": ["-priority", "code"],
    "status": ["status", "code"],
}


def _with_shares(counts):
    """[(choice, count, share)]: share in percent of the largest count, the length of the row's bar."""
    largest = max((count for _choice, count in counts), default=0) or 1
    return [(choice, count, round(100 * count / largest)) for choice, count in counts]


def _initiatives():
    queryset = Initiative.objects.select_related("area", "partner_region", "owner")
    return queryset.annotate(has_overdue=has_overdue_milestone())


def _partner_region(request, per_region=None):
    """The partner region a page is about: ?region=CODE, else the one with the most initiatives (the lowest id
    among equals). `per_region` ({region id: initiatives}) saves counting again when the caller has counted."""
    code = request.GET.get("region")
    if code:
        return get_object_or_404(Region, code=code)
    if per_region is None:
        per_region = Initiative.objects.tally("partner_region_id")["partner_region_id"]
    if not per_region:
        return None
    busiest = max(per_region, key=lambda region_id: (per_region[region_id], -region_id))
    return Region.objects.filter(pk=busiest).first()


def _trade_panel(partner):
    if partner is None:
        return {}
    flows = trade.yearly_flows(partner)
    series = [
        charts.Series.from_observations(Flow(flow).label, observations)
        for flow, observations in flows.by_flow.items()
        if observations
    ]
    title = _("Trade with %(partner)s by year") % {"partner": partner}
    chart = (
        charts.bar_chart(
            series,
            title=title,
            description=_("Turnover, exports, imports and balance in US dollars, by year."),
            y_label=_("US dollars"),
        )
        if series
        else None
    )
    return {
        "partner": partner,
        "trade_rows": flows.rows(),
        "trade_chart": chart,
        "trade_table": charts.data_table_rows(series),
        "quarter": trade.latest_quarter(partner),
    }


@login_required
def dashboard(request):
    # The same figures for every coordinator, kept until the data changes (tracker/web/journal_cache.py).
    today = timezone.localdate()
    region = hashlib.sha256(request.GET.get("region", "").encode()).hexdigest()[:16]
    figures = journal_cache.kept("dashboard", lambda: _dashboard_figures(request), today.isoformat(), region)
    return render(request, "tracker/dashboard.html", {**figures, "today": today})


def _dashboard_figures(request):
    counts = Initiative.objects.tally("status", "health", "area_id", "partner_region_id")
    areas = Area.objects.in_bulk(counts["area_id"])
    overdue = (
        Milestone.objects.overdue()
        .select_related("initiative__owner", "responsible_organisation")
        .order_by("due_date", "id")[:20]
    )
    recent = StatusUpdate.objects.select_related("initiative").order_by("-created_at", "-id")[:10]
    return {
        "by_status": _with_shares([(status, counts["status"].get(status, 0)) for status in Status]),
        "by_health": _with_shares([(health, counts["health"].get(health, 0)) for health in Health]),
        "by_area": sorted(
            ((areas[area_id], n) for area_id, n in counts["area_id"].items()), key=lambda item: (-item[1], item[0].code)
        ),
        "overdue": list(overdue),
        "recent": list(recent),
        **_trade_panel(_partner_region(request, counts["partner_region_id"])),
    }


@login_required
def initiative_list(request):
    filtered = InitiativeFilter(request.GET, queryset=_initiatives(), request=request)
    filters_for_people(filtered.form)
    searching = bool(request.GET.get("q", "").strip())
    default = "relevance" if searching else "code"
    ordering = request.GET.get("sort") if request.GET.get("sort") in ORDERINGS else default
    if ordering == "relevance" and not searching:
        ordering = "code"  # nothing to rank by
    rows = filtered.qs.order_by(*ORDERINGS[ordering]) if filtered.is_valid() else Initiative.objects.none()
    export = request.GET.get("export")
    status = 200
    if export in exports.FORMATS:
        try:
            return exports.initiatives_response(rows, export)
        except ExportTooLarge as error:
            messages.error(request, str(error))
            status = 413
    record_choices_from_cache(filtered.form)  # only where the form is shown: an export does not read them
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "tracker/initiative_list.html",
        {
            "filter": filtered,
            "page": page,
            "ordering": ordering,
            "orderings": ORDERINGS,
            "query": query.urlencode(),
            "bulk_form": BulkUpdateForm(auto_id="bulk_%s"),  # the filter form above has fields of the same names
        },
        status=status,
    )


def _detail_context(request, initiative, **extra):
    actor = request.user
    can_change = permissions.can_change_initiative(actor, initiative)
    links = list(initiative.indicator_links.select_related("indicator"))
    observations = Observation.objects.filter(indicator__in=[link.indicator_id for link in links]).order_by(
        "period_start"
    )
    by_indicator = {}
    for observation in observations:
        by_indicator.setdefault(observation.indicator_id, []).append(observation)
    for link in links:
        series = [charts.Series.from_observations(link.indicator.name, by_indicator.get(link.indicator_id, []))]
        target = None
        if link.target_value is not None and link.target_period:
            target = charts.Target(link.target_value, link.target_period, link.indicator.currency)
        link.chart = charts.line_chart(
            series,
            title=link.indicator.name,
            description=link.rationale or link.indicator.name,
            y_label="USD",
            target=target,
        )
        link.progress = charts.target_progress(series, target) if target else ""
        link.table = charts.data_table_rows(series)
    context = {
        "initiative": initiative,
        "participations": initiative.participations.select_related("organisation"),
        "milestones": initiative.milestones.select_related("responsible_organisation"),
        "journal": initiative.journal.all(),
        "links": links,
        "can_change": can_change,
        "watching": initiative.watches.filter(user=actor).exists(),
        "today": timezone.localdate(),
    }
    if can_change:
        context.setdefault("status_form", StatusUpdateForm(initiative=initiative, actor=actor))
        context.setdefault("milestone_form", MilestoneForm())
    context.update(extra)
    if can_change:
        # One list of organisations for the new-milestone form and every milestone's change form.
        organisations = list(Organisation.objects.all())
        context["organisations"] = organisations
        choices = [("", "---------"), *((organisation.pk, str(organisation)) for organisation in organisations)]
        context["milestone_form"].fields["responsible_organisation"].choices = choices
    return context


def _get_initiative(code):
    return get_object_or_404(
        Initiative.objects.select_related("area", "partner_region", "owner", "origin", "source"), code=code
    )


@login_required
def initiative_detail(request, code):
    initiative = _get_initiative(code)
    return render(request, "tracker/initiative_detail.html", _detail_context(request, initiative))


def _require_change(request, initiative):
    if not permissions.can_change_initiative(request.user, initiative):
        raise PermissionDenied(_refusal(initiative))


def _refusal(initiative):
    """Why a change is refused, naming whom to ask (the 403 page shows it)."""
    owner = initiative.owner
    if owner is None:
        return _("“%(title)s” has no owner yet, so only an administrator can change it.") % {"title": initiative.title}
    return _("Only the owner of “%(title)s”, %(owner)s, or an administrator can change it.") % {
        "title": initiative.title,
        "owner": name_of(owner),
    }


def _changes_since(initiative, version):
    """What others changed after `version`: journal entries and field changes, for the stale-form message."""
    journal = list(initiative.journal.filter(version__gt=version).order_by("version"))
    history = list(initiative.history.filter(version__gt=version).order_by("version"))
    changes = []
    for record in history:
        previous = record.prev_record
        if previous is None:
            continue
        delta = record.diff_against(previous, excluded_fields=["version", "updated_at"])
        for change in delta.changes:
            field = Initiative._meta.get_field(change.field)
            changes.append((record, field.verbose_name, change.old, change.new))
    return {"journal": journal, "fields": changes}


@login_required
@require_POST
def update_status(request, code):
    initiative = _get_initiative(code)
    _require_change(request, initiative)
    form = StatusUpdateForm(request.POST, initiative=initiative, actor=request.user)
    seen = _posted_version(request)
    if seen is not None and seen != initiative.version:
        # Checked before the choices: what the user picked may no longer be offered from the new status.
        context = _detail_context(request, initiative, **_stale(request, initiative, seen))
        return render(request, "tracker/initiative_detail.html", context, status=409)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _apply_status_form(initiative, data, request.user)
        except StaleVersion:
            context = _detail_context(request, initiative, **_stale(request, initiative, data["version"]))
            return render(request, "tracker/initiative_detail.html", context, status=409)
        except UnfinishedWork as unfinished:
            # The confirmation: what is still open, and the note that must say why it ends anyway.
            form.add_error("note", _("Say why, to confirm."))
            context = _detail_context(request, initiative, status_form=form, unfinished=unfinished)
            return render(request, "tracker/initiative_detail.html", context, status=409)
        except (TransitionNotAllowed, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved. The change is in the journal."))
            return redirect("initiative-detail", code=code)
    return render(
        request, "tracker/initiative_detail.html", _detail_context(request, initiative, status_form=form), status=400
    )


def _stale(request, initiative, seen):
    """What a refused stale update shows (#18): what others changed since `seen`, the user's entry beside what is
    saved now, and the form as they filled it over the current version, so submitting again applies it."""
    initiative.refresh_from_db()
    posted = request.POST
    allowed = {status.value for status in workflow.allowed_transitions(initiative, request.user)}
    to = posted.get("to", "") if posted.get("to", "") in allowed else ""
    kept = StatusUpdateForm(
        initiative=initiative,
        actor=request.user,
        initial={
            "to": to,
            "health": posted.get("health") or initiative.health,
            "health_reason": posted.get("health_reason", ""),
            "note": posted.get("note", ""),
            "version": initiative.version,
        },
    )
    yours_and_now = [
        (_("Status"), _label(Status, posted.get("to")) or _("no change"), initiative.get_status_display()),
        (_("Health"), _label(Health, posted.get("health")), initiative.get_health_display()),
        (_("Health reason"), posted.get("health_reason", "") or "—", initiative.health_reason or "—"),
    ]
    return {"stale": _changes_since(initiative, seen), "status_form": kept, "yours_and_now": yours_and_now}


def _label(choices, value):
    return choices(value).label if value in choices.values else ""


def _posted_version(request):
    raw = request.POST.get("version", "")
    return whole_number(raw)


def _apply_status_form(initiative, data, actor):
    common = {"by": actor, "note": data["note"], "expected_version": data["version"]}
    if data["to"]:
        health = data["health"] if data["health"] != initiative.health or data["health_reason"] else None
        workflow.transition(initiative, data["to"], health=health, health_reason=data["health_reason"], **common)
    else:
        workflow.change_health(initiative, data["health"], reason=data["health_reason"], **common)


def _add_errors(form, error):
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error("to" if isinstance(error, TransitionNotAllowed) else None, str(error))


@login_required
@require_POST
def complete_milestone(request, code, pk):
    milestone = get_object_or_404(Milestone.objects.select_related("initiative"), pk=pk, initiative__code=code)
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        milestones.complete_milestone(milestone, by=request.user, expected_version=form.cleaned_data["version"])
    except StaleVersion:
        messages.error(
            request,
            _("“%(title)s” was changed by someone else meanwhile; nothing was saved. Check it and try again.")
            % {"title": milestone.title},
        )
    else:
        messages.success(request, _("“%(title)s” is done.") % {"title": milestone.title})
    return redirect("initiative-detail", code=code)


@login_required
@require_POST
def add_milestone(request, code):
    initiative = _get_initiative(code)
    _require_change(request, initiative)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestones.add_milestone(initiative, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Milestone added."))
            return redirect("initiative-detail", code=code)
    context = _detail_context(request, initiative, milestone_form=form)
    return render(request, "tracker/initiative_detail.html", context, status=400)


@login_required
@require_POST
def change_milestone(request, code, pk):
    def change(milestone, data):
        changes = {name: data[name] for name in milestones.CHANGEABLE}
        milestones.change_milestone(milestone, changes, **data["common"])
        return _("“%(title)s” is changed; the reason is in its history.") % {"title": milestone.title}

    return _milestone_action(request, code, pk, MilestoneChangeForm, change)


@login_required
@require_POST
def reopen_milestone(request, code, pk):
    def reopen(milestone, data):
        milestones.reopen_milestone(milestone, **data["common"])
        return _("“%(title)s” is open again.") % {"title": milestone.title}

    return _milestone_action(request, code, pk, MilestoneReasonForm, reopen)


@login_required
@require_POST
def delete_milestone(request, code, pk):
    def delete(milestone, data):
        milestones.delete_milestone(milestone, **data["common"])
        return _("“%(title)s” is deleted; its history keeps it and the reason.") % {"title": milestone.title}

    return _milestone_action(request, code, pk, MilestoneReasonForm, delete)


def _milestone_action(request, code, pk, form_class, act):
    """Check the form, run `act` through the domain, and come back to the initiative with what happened: every
    refusal (a missing reason, a bad date, a stale copy, no permission) is a message, and nothing is written."""
    milestone = get_object_or_404(Milestone.objects.select_related("initiative"), pk=pk, initiative__code=code)
    _require_change(request, milestone.initiative)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("initiative-detail", code=code)
    data = dict(form.cleaned_data)
    data["common"] = {"by": request.user, "reason": data["reason"], "expected_version": data["version"]}
    try:
        done = act(milestone, data)
    except StaleVersion:
        messages.error(
            request,
            _("“%(title)s” was changed by someone else meanwhile; nothing was saved. Check it and try again.")
            % {"title": milestone.title},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("initiative-detail", code=code)


def _form_errors(form):
    return " ".join(
        f"{form.fields[field].label if field in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for field, errors in form.errors.items()
    )


@login_required
@require_POST
def watch(request, code):
    initiative = _get_initiative(code)
    watching = request.POST.get("watch") == "1"
    notifications.set_watching(request.user, initiative, watching)
    if watching:
        messages.success(request, _("You will be emailed when its status or health changes."))
    else:
        messages.success(request, _("You no longer follow this initiative."))
    return redirect("initiative-detail", code=code)


@login_required
def indicator_list(request):
    # Paginated, and the figures counted for the page's series only: with commodity-level statistics there are
    # tens of thousands of series and millions of figures, and counting them all took seconds.
    indicators = TradeIndicator.objects.select_related("reporter", "partner", "commodity").order_by("code")
    page = Paginator(indicators, INDICATOR_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        Observation.objects.filter(indicator__in=[i.pk for i in page])
        .values_list("indicator")
        .annotate(n=Count("id"))
        .order_by()
    )
    for indicator in page:
        indicator.observation_count = counts.get(indicator.pk, 0)
    return render(request, "tracker/indicator_list.html", {"indicators": page, "page": page, "query": ""})


@login_required
def indicator_detail(request, code):
    indicator = get_object_or_404(TradeIndicator.objects.select_related("reporter", "partner", "commodity"), code=code)
    observations = list(indicator.observations.select_related("source").order_by("period_start"))
    if request.GET.get("export") == "csv":
        return exports.observations_response(indicator, observations)
    series = [charts.Series.from_observations(indicator.name, observations, indicator.currency)]
    chart = charts.line_chart(
        series,
        title=indicator.name,
        description=_("%(name)s, %(currency)s, by period.") % {"name": indicator.name, "currency": indicator.currency},
        y_label=indicator.currency,
    )
    sources = {o.source for o in observations if o.source_id}
    _formulas_in_words(indicator, observations)
    context = {
        "indicator": indicator,
        "observations": observations,
        "chart": chart,
        "sources": sorted(sources, key=str),
    }
    return render(request, "tracker/indicator_detail.html", context)


def _formulas_in_words(indicator, observations):
    """Set `formula_words` on each derived observation: "Balance = exports − imports", each series named by its
    flow (or by its name if it is another pair's or commodity's), its period added where it is not the row's.
    One query for every series the formulas name."""
    derived = [o for o in observations if o.is_derived and o.formula]
    codes = {r.indicator for o in derived for r in _references(o.formula)}
    named = {i.code: i for i in TradeIndicator.objects.filter(code__in=codes)}
    for observation in derived:

        def name_of(reference, period=observation.period):
            other = named.get(reference.indicator)
            if other is None:
                return reference.indicator
            same_pair = (other.reporter_id, other.partner_id, other.commodity_id) == (
                indicator.reporter_id,
                indicator.partner_id,
                indicator.commodity_id,
            )
            name = str(other.get_flow_display()).lower() if same_pair else other.name
            return name if reference.period == period else f"{name} ({format_period(reference.period)})"

        try:
            words = formulas.in_words(observation.formula, name_of)
        except formulas.FormulaError:
            continue
        observation.formula_words = f"{indicator.get_flow_display()} = {words}"


def _references(formula):
    try:
        return formulas.references(formula)
    except formulas.FormulaError:
        return []


@login_required
def briefing(request):
    regions = Region.objects.filter(pk__in=Initiative.objects.values("partner_region")).order_by("code")
    default_since = timezone.localdate() - datetime.timedelta(days=30)
    form = BriefingForm(request.GET or None, regions=regions, initial={"since": default_since})
    if form.is_bound:
        valid = form.is_valid()
        partner = regions.filter(code=form.cleaned_data["region"]).first() if valid else None
        since = form.cleaned_data["since"] if valid else default_since
    else:
        partner, since = _partner_region(request), default_since
    context = {"form": form, "since": since}
    extension = request.GET.get("format")
    if partner is not None and extension in formats.FORMATS:
        file = meeting_file.for_partner(request.user, partner, since)
        return downloads.meeting_file_response(request, file, extension)
    if partner is not None:
        initiatives = _initiatives().filter(partner_region=partner).order_by("area__name", "code")
        context.update(
            initiatives=initiatives,
            changes=StatusUpdate.objects.filter(initiative__partner_region=partner, created_at__date__gte=since)
            .select_related("initiative")
            .order_by("created_at", "id"),
            overdue=Milestone.objects.overdue()
            .filter(initiative__partner_region=partner)
            .select_related("initiative__owner", "responsible_organisation")
            .order_by("due_date"),
            **_trade_panel(partner),
        )
        context["downloads"] = downloads.document_links(f"region={partner.code}&since={since.isoformat()}&")
    elif extension in formats.FORMATS:
        # No partner with initiatives was chosen: the page says what to pick, rather than an empty file.
        return render(request, "tracker/briefing.html", context, status=400)
    return render(request, "tracker/briefing.html", context)
