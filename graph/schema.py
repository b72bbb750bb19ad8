"""Assembles Query, Mutation and Subscription and the schema's extensions."""

from collections.abc import AsyncIterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.federation.schema import FederationAny
from strawberry.types import ExecutionContext

from graph import federation
from graph.context import Info
from graph.extensions.access_log import ConsentAccessLog
from graph.extensions.admission import AdmissionControl
from graph.extensions.errors import MaskUnexpectedErrors, log_unexpected
from graph.extensions.limits import LimitedParser
from graph.extensions.transaction import OperationTransaction
from graph.extensions.validation import ValidationWithPageLimits
from graph.resolvers import account as account_fields
from graph.resolvers import chapter as chapter_fields
from graph.resolvers import consent as consent_fields
from graph.resolvers import consultancy as consultancy_fields
from graph.resolvers import consultancy_mutations as marketplace
from graph.resolvers import data_rights as data_rights_fields
from graph.resolvers import engagement_work, opportunity_reads
from graph.resolvers import engineer as engineer_fields
from graph.resolvers import event as event_fields
from graph.resolvers import event_mutations as event_mutation_fields
from graph.resolvers import event_payloads as event_payload_fields
from graph.resolvers import event_subscriptions as event_subscription_fields
from graph.resolvers import forum as forum_fields
from graph.resolvers import forum_mutations as forum_mutation_fields
from graph.resolvers import forum_subscriptions as forum_subscription_fields
from graph.resolvers import hall_of_fame as hall_of_fame_fields
from graph.resolvers import institution as institution_fields
from graph.resolvers import investment as investment_fields
from graph.resolvers import membership as membership_fields
from graph.resolvers import node as node_fields
from graph.resolvers import notification as notification_fields
from graph.resolvers import notification_subscriptions as notification_subscription_fields
from graph.resolvers import opportunity as contribution_fields
from graph.resolvers import panel as panel_fields
from graph.resolvers import profile as profile_fields
from graph.resolvers import programme as programme_fields
from graph.resolvers import programme_mutations as programme_mutation_fields
from graph.resolvers import programme_payloads as programme_payload_fields
from graph.resolvers import stats as stats_fields
from graph.resolvers import supervision_mutations as supervision_fields
from graph.resolvers import taxonomy as taxonomy_fields
from graph.resolvers import viewer as viewer_fields
from graph.subscriptions.execution import EventExecutionContext
from graph.types.announcement import ChapterAnnouncement
from graph.types.chapter import Chapter, Membership
from graph.types.connection import Connection
from graph.types.consent import ConsentGrant
from graph.types.consultancy import ConsultancyProposal, ServiceListing
from graph.types.data_rights import DataExport
from graph.types.engineer import Engineer
from graph.types.event import Event
from graph.types.forum import ForumCategory, ForumPost, ForumThread
from graph.types.forum_report import ForumReport
from graph.types.hall_of_fame import HallOfFameNomination, HallOfFameRound
from graph.types.institution import Institution
from graph.types.investment import InvestmentAsk
from graph.types.node import Node
from graph.types.notification import Notification
from graph.types.opportunity import Opportunity
from graph.types.panel import AdvisoryPanel
from graph.types.programme import MentorshipApplication, MentorshipPair, MentorshipProgramme
from graph.types.stats import Stats
from graph.types.taxonomy import Sector
from graph.types.viewer import Viewer


@strawberry.type(description="The root of every read.")
class Query:
    """Root query fields."""

    node: Node | None = strawberry.federation.field(
        shareable=True,
        resolver=node_fields.node,
        description="Fetch any object by its global ID; null when it does not exist.",
    )
    nodes: list[Node | None] = strawberry.federation.field(
        shareable=True,
        resolver=node_fields.nodes,
        description="Fetch objects by global IDs (at most 100), in order; null for each missing.",
    )
    viewer: Viewer = strawberry.field(
        resolver=viewer_fields.viewer, description="Who is asking: the signed-in engineer, if any."
    )
    engineer: Engineer | None = strawberry.field(
        resolver=engineer_fields.engineer,
        description="One engineer by handle; null when there is none.",
    )
    engineers: Connection[Engineer] = strawberry.field(
        resolver=engineer_fields.engineers,
        description="Engineers matching a filter, paged by keyset cursors.",
    )
    institution: Institution | None = strawberry.field(
        resolver=institution_fields.institution,
        description="One institution by slug; null when there is none.",
    )
    institutions: Connection[Institution] = strawberry.field(
        resolver=institution_fields.institutions,
        description="Institutions by name, optionally filtered.",
    )
    chapter: Chapter | None = strawberry.field(
        resolver=chapter_fields.chapter,
        description="One chapter by slug (archived ones too); null when there is none.",
    )
    chapters: Connection[Chapter] = strawberry.field(
        resolver=chapter_fields.chapters, description="Chapters by name; archived ones on request."
    )
    sectors: list[Sector] = strawberry.field(
        resolver=taxonomy_fields.sectors,
        description="Every sector of the shared vocabulary, by name.",
    )
    events: Connection[Event] = strawberry.field(
        resolver=event_fields.events,
        description="Events across chapters that the viewer may see (members-only events only "
        "for active members of the hosting or co-hosting chapter and council admins), soonest "
        "first.",
    )
    forum_categories: Connection[ForumCategory] = strawberry.field(
        resolver=forum_fields.forum_categories,
        description="Forum categories the viewer may read (members-only chapter categories only "
        "for the chapter's active members and council admins), in display order.",
    )
    forum_category: ForumCategory | None = strawberry.field(
        resolver=forum_fields.forum_category,
        description="One forum category by slug; null when there is none or you may not read it.",
    )
    forum_threads: Connection[ForumThread] = strawberry.field(
        resolver=forum_fields.forum_threads,
        description="Forum threads the viewer may read, across categories, most recent activity "
        "first; with `filter.search`, a full-text search. Hidden threads only for moderators.",
    )
    opportunities: Connection[Opportunity] = strawberry.field(
        resolver=opportunity_reads.opportunities,
        description="Opportunities the viewer may see (PUBLIC; CHAPTER ones for active members "
        "of a named chapter; INVITED ones for invitees; drafts only for the seeker side), newest "
        "first; with `filter.search`, a full-text search over title and description.",
    )
    mentorship_programmes: Connection[MentorshipProgramme] = strawberry.field(
        resolver=programme_fields.mentorship_programmes,
        description="Mentorship programmes of chapters and institutions, newest first (public; "
        "their applications, pairs and reports follow their own rules).",
    )
    investment_asks: Connection[InvestmentAsk] = strawberry.field(
        resolver=investment_fields.investment_asks,
        description="Startups' investment asks, newest first (public). Contributors record soft "
        "commitments; the portal moves no money.",
    )
    advisory_panels: Connection[AdvisoryPanel] = strawberry.field(
        resolver=panel_fields.advisory_panels,
        description="Institutions' advisory and curriculum-review panels, newest first (public).",
    )
    consultancy_proposals: Connection[ConsultancyProposal] = strawberry.field(
        resolver=consultancy_fields.consultancy_proposals,
        description="Consultancy proposals the viewer may read, across RFPs, newest first: "
        "their own bids, and — for an RFP's institution — its proposals once bidding has closed "
        "(sealed ones are absent, totalCount and search included).",
    )
    service_listings: Connection[ServiceListing] = strawberry.field(
        resolver=consultancy_fields.service_listings,
        description="Contributors' service listings, newest first (inactive ones only for "
        "their owner).",
    )

    hall_of_fame: Connection[HallOfFameNomination] = strawberry.field(
        resolver=hall_of_fame_fields.hall_of_fame, description=hall_of_fame_fields.HALL_OF_FAME
    )
    hall_of_fame_nominations: Connection[HallOfFameNomination] = strawberry.field(
        resolver=hall_of_fame_fields.hall_of_fame_nominations,
        description=hall_of_fame_fields.NOMINATIONS,
    )
    hall_of_fame_rounds: list[HallOfFameRound] = strawberry.field(
        resolver=hall_of_fame_fields.hall_of_fame_rounds, description=hall_of_fame_fields.ROUNDS
    )
    stats: Stats | None = strawberry.field(
        resolver=stats_fields.resolve_stats, description=stats_fields.STATS
    )


@strawberry.type(description="The root of every change.")
class Mutation:
    """Root mutation fields: `<entity><Verb>(input:)` returning a payload with userErrors."""

    account_sign_up: account_fields.AccountSignUpPayload = strawberry.field(
        resolver=account_fields.account_sign_up, description=account_fields.SIGN_UP
    )
    account_verify_email: account_fields.AccountPayload = strawberry.field(
        resolver=account_fields.account_verify_email, description=account_fields.VERIFY_EMAIL
    )
    account_request_password_reset: account_fields.AccountPayload = strawberry.field(
        resolver=account_fields.account_request_password_reset,
        description=account_fields.REQUEST_RESET,
    )
    account_reset_password: account_fields.AccountPayload = strawberry.field(
        resolver=account_fields.account_reset_password, description=account_fields.RESET
    )
    chapter_join: membership_fields.MembershipPayload = strawberry.field(
        resolver=membership_fields.chapter_join, description=membership_fields.JOIN
    )
    chapter_leave: membership_fields.MembershipRemovedPayload = strawberry.field(
        resolver=membership_fields.chapter_leave, description=membership_fields.LEAVE
    )
    membership_approve: membership_fields.MembershipPayload = strawberry.field(
        resolver=membership_fields.membership_approve, description=membership_fields.APPROVE
    )
    membership_reject: membership_fields.MembershipRemovedPayload = strawberry.field(
        resolver=membership_fields.membership_reject, description=membership_fields.REJECT
    )
    membership_suspend: membership_fields.MembershipPayload = strawberry.field(
        resolver=membership_fields.membership_suspend, description=membership_fields.SUSPEND
    )
    chapter_role_assign: membership_fields.MembershipPayload = strawberry.field(
        resolver=membership_fields.chapter_role_assign, description=membership_fields.ASSIGN
    )
    engineer_update_profile: profile_fields.EngineerPayload = strawberry.field(
        resolver=profile_fields.engineer_update_profile,
        description=profile_fields.UPDATE_PROFILE,
    )
    engineer_update_visibility: profile_fields.EngineerPayload = strawberry.field(
        resolver=profile_fields.engineer_update_visibility,
        description=profile_fields.UPDATE_VISIBILITY,
    )
    consent_grant: consent_fields.ConsentGrantPayload = strawberry.field(
        resolver=consent_fields.consent_grant, description=consent_fields.GRANT
    )
    consent_revoke: consent_fields.ConsentGrantPayload = strawberry.field(
        resolver=consent_fields.consent_revoke, description=consent_fields.REVOKE
    )
    opportunity_create: contribution_fields.OpportunityPayload = strawberry.field(
        resolver=contribution_fields.opportunity_create,
        description=contribution_fields.OPPORTUNITY_CREATE,
    )
    opportunity_publish: contribution_fields.OpportunityPayload = strawberry.field(
        resolver=contribution_fields.opportunity_publish,
        description="Open a DRAFT opportunity for applications"
        + contribution_fields.OPPORTUNITY_TRANSITION,
    )
    opportunity_close: contribution_fields.OpportunityPayload = strawberry.field(
        resolver=contribution_fields.opportunity_close,
        description="Close an opportunity" + contribution_fields.OPPORTUNITY_TRANSITION,
    )
    opportunity_reopen: contribution_fields.OpportunityPayload = strawberry.field(
        resolver=contribution_fields.opportunity_reopen,
        description="Reopen a closed or filled opportunity before its deadline"
        + contribution_fields.OPPORTUNITY_TRANSITION,
    )
    application_submit: contribution_fields.ApplicationPayload = strawberry.field(
        resolver=contribution_fields.application_submit,
        description=contribution_fields.APPLICATION_SUBMIT,
    )
    application_shortlist: contribution_fields.ApplicationPayload = strawberry.field(
        resolver=contribution_fields.application_shortlist,
        description=contribution_fields.APPLICATION_SHORTLIST,
    )
    application_decline: contribution_fields.ApplicationPayload = strawberry.field(
        resolver=contribution_fields.application_decline,
        description=contribution_fields.APPLICATION_DECLINE,
    )
    application_accept: contribution_fields.ApplicationPayload = strawberry.field(
        resolver=contribution_fields.application_accept,
        description=contribution_fields.APPLICATION_ACCEPT,
    )
    application_withdraw: contribution_fields.ApplicationPayload = strawberry.field(
        resolver=contribution_fields.application_withdraw,
        description=contribution_fields.APPLICATION_WITHDRAW,
    )
    application_reopen: contribution_fields.ApplicationPayload = strawberry.field(
        resolver=contribution_fields.application_reopen,
        description=contribution_fields.APPLICATION_REOPEN,
    )
    engagement_start: contribution_fields.EngagementPayload = strawberry.field(
        resolver=contribution_fields.engagement_start,
        description=contribution_fields.ENGAGEMENT_DESCRIPTIONS["start"]
        + contribution_fields.ENGAGEMENT_SCOPE,
    )
    engagement_decline: contribution_fields.EngagementPayload = strawberry.field(
        resolver=contribution_fields.engagement_decline,
        description=contribution_fields.ENGAGEMENT_DESCRIPTIONS["decline"]
        + contribution_fields.ENGAGEMENT_SCOPE,
    )
    engagement_complete: contribution_fields.EngagementPayload = strawberry.field(
        resolver=contribution_fields.engagement_complete,
        description=contribution_fields.ENGAGEMENT_DESCRIPTIONS["complete"]
        + contribution_fields.ENGAGEMENT_SCOPE,
    )
    engagement_cancel: contribution_fields.EngagementPayload = strawberry.field(
        resolver=contribution_fields.engagement_cancel,
        description=contribution_fields.ENGAGEMENT_DESCRIPTIONS["cancel"]
        + contribution_fields.ENGAGEMENT_SCOPE,
    )
    engagement_report_problem: contribution_fields.EngagementPayload = strawberry.field(
        resolver=contribution_fields.engagement_report_problem,
        description=contribution_fields.ENGAGEMENT_DESCRIPTIONS["reportProblem"]
        + contribution_fields.ENGAGEMENT_SCOPE,
    )
    engagement_resolve_problem: contribution_fields.EngagementPayload = strawberry.field(
        resolver=contribution_fields.engagement_resolve_problem,
        description=contribution_fields.ENGAGEMENT_DESCRIPTIONS["resolveProblem"]
        + contribution_fields.ENGAGEMENT_SCOPE,
    )
    opportunity_invite: engagement_work.InvitationPayload = strawberry.field(
        resolver=engagement_work.opportunity_invite,
        description=engagement_work.OPPORTUNITY_INVITE,
    )
    invitation_accept: engagement_work.InvitationPayload = strawberry.field(
        resolver=engagement_work.invitation_accept,
        description=engagement_work.INVITATION_ACCEPT,
    )
    invitation_decline: engagement_work.InvitationPayload = strawberry.field(
        resolver=engagement_work.invitation_decline,
        description=engagement_work.INVITATION_DECLINE,
    )
    engagement_log_session: engagement_work.EngagementSessionPayload = strawberry.field(
        resolver=engagement_work.engagement_log_session,
        description=engagement_work.ENGAGEMENT_LOG_SESSION,
    )
    engagement_countersign_session: engagement_work.EngagementSessionPayload = strawberry.field(
        resolver=engagement_work.engagement_countersign_session,
        description=engagement_work.ENGAGEMENT_COUNTERSIGN_SESSION,
    )
    engagement_add_milestone: engagement_work.EngagementMilestonePayload = strawberry.field(
        resolver=engagement_work.engagement_add_milestone,
        description=engagement_work.ENGAGEMENT_ADD_MILESTONE,
    )
    engagement_finish_milestone: engagement_work.EngagementMilestonePayload = strawberry.field(
        resolver=engagement_work.engagement_finish_milestone,
        description=engagement_work.ENGAGEMENT_FINISH_MILESTONE,
    )
    engagement_countersign_milestone: engagement_work.EngagementMilestonePayload = strawberry.field(
        resolver=engagement_work.engagement_countersign_milestone,
        description=engagement_work.ENGAGEMENT_COUNTERSIGN_MILESTONE,
    )
    engagement_give_feedback: engagement_work.EngagementFeedbackPayload = strawberry.field(
        resolver=engagement_work.engagement_give_feedback,
        description=engagement_work.ENGAGEMENT_GIVE_FEEDBACK,
    )
    forum_thread_create: forum_mutation_fields.ForumThreadPayload = strawberry.field(
        resolver=forum_mutation_fields.forum_thread_create,
        description=forum_mutation_fields.THREAD_CREATE,
    )
    forum_post_create: forum_mutation_fields.ForumPostPayload = strawberry.field(
        resolver=forum_mutation_fields.forum_post_create,
        description=forum_mutation_fields.POST_CREATE,
    )
    forum_post_edit: forum_mutation_fields.ForumPostPayload = strawberry.field(
        resolver=forum_mutation_fields.forum_post_edit,
        description=forum_mutation_fields.POST_EDIT,
    )
    forum_post_vote: forum_mutation_fields.ForumPostPayload = strawberry.field(
        resolver=forum_mutation_fields.forum_post_vote,
        description=forum_mutation_fields.POST_VOTE,
    )
    forum_thread_accept_answer: forum_mutation_fields.ForumThreadPayload = strawberry.field(
        resolver=forum_mutation_fields.forum_thread_accept_answer,
        description=forum_mutation_fields.ACCEPT_ANSWER,
    )
    forum_report: forum_mutation_fields.ForumReportPayload = strawberry.field(
        resolver=forum_mutation_fields.forum_report,
        description=forum_mutation_fields.REPORT,
    )
    forum_moderate: forum_mutation_fields.ForumModeratePayload = strawberry.field(
        resolver=forum_mutation_fields.forum_moderate,
        description=forum_mutation_fields.MODERATE,
    )
    forum_report_resolve: forum_mutation_fields.ForumReportPayload = strawberry.field(
        resolver=forum_mutation_fields.forum_report_resolve,
        description=forum_mutation_fields.REPORT_RESOLVE,
    )
    event_create: event_payload_fields.EventPayload = strawberry.field(
        resolver=event_mutation_fields.event_create,
        description=event_mutation_fields.CREATE,
    )
    event_update: event_payload_fields.EventPayload = strawberry.field(
        resolver=event_mutation_fields.event_update,
        description=event_mutation_fields.UPDATE,
    )
    event_cancel: event_payload_fields.EventPayload = strawberry.field(
        resolver=event_mutation_fields.event_cancel,
        description=event_mutation_fields.CANCEL,
    )
    event_cohost_invite: event_payload_fields.EventPayload = strawberry.field(
        resolver=event_mutation_fields.event_cohost_invite,
        description=event_mutation_fields.COHOST_INVITE,
    )
    event_cohost_accept: event_payload_fields.EventPayload = strawberry.field(
        resolver=event_mutation_fields.event_cohost_accept,
        description=event_mutation_fields.COHOST_ACCEPT,
    )
    event_rsvp: event_payload_fields.EventRegistrationPayload = strawberry.field(
        resolver=event_mutation_fields.event_rsvp,
        description=event_mutation_fields.RSVP,
    )
    event_rsvp_cancel: event_payload_fields.EventRegistrationPayload = strawberry.field(
        resolver=event_mutation_fields.event_rsvp_cancel,
        description=event_mutation_fields.RSVP_CANCEL,
    )
    event_check_in: event_payload_fields.EventRegistrationPayload = strawberry.field(
        resolver=event_mutation_fields.event_check_in,
        description=event_mutation_fields.CHECK_IN,
    )
    chapter_announcement_post: event_payload_fields.ChapterAnnouncementPayload = strawberry.field(
        resolver=event_mutation_fields.chapter_announcement_post,
        description=event_mutation_fields.ANNOUNCE,
    )
    calendar_feed_rotate: event_payload_fields.CalendarFeedPayload = strawberry.field(
        resolver=event_mutation_fields.calendar_feed_rotate,
        description=event_mutation_fields.FEED_ROTATE,
    )
    calendar_feed_revoke: event_payload_fields.CalendarFeedRevokePayload = strawberry.field(
        resolver=event_mutation_fields.calendar_feed_revoke,
        description=event_mutation_fields.FEED_REVOKE,
    )
    notification_mark_read: notification_fields.NotificationMarkReadPayload = strawberry.field(
        resolver=notification_fields.notification_mark_read,
        description=notification_fields.MARK_READ,
    )
    notification_preferences_update: notification_fields.NotificationPreferencesPayload = (
        strawberry.field(
            resolver=notification_fields.notification_preferences_update,
            description=notification_fields.PREFERENCES_UPDATE,
        )
    )
    mentorship_programme_create: programme_payload_fields.MentorshipProgrammePayload = (
        strawberry.field(
            resolver=programme_mutation_fields.mentorship_programme_create,
            description=programme_mutation_fields.CREATE,
        )
    )
    mentorship_programme_apply: programme_payload_fields.MentorshipApplicationPayload = (
        strawberry.field(
            resolver=programme_mutation_fields.mentorship_programme_apply,
            description=programme_mutation_fields.APPLY,
        )
    )
    mentorship_application_accept: programme_payload_fields.MentorshipApplicationPayload = (
        strawberry.field(
            resolver=programme_mutation_fields.mentorship_application_accept,
            description=programme_mutation_fields.ACCEPT,
        )
    )
    mentorship_application_decline: programme_payload_fields.MentorshipApplicationPayload = (
        strawberry.field(
            resolver=programme_mutation_fields.mentorship_application_decline,
            description=programme_mutation_fields.DECLINE,
        )
    )
    mentorship_cohort_propose: programme_payload_fields.MentorshipProgrammePayload = (
        strawberry.field(
            resolver=programme_mutation_fields.mentorship_cohort_propose,
            description=programme_mutation_fields.PROPOSE,
        )
    )
    mentorship_cohort_adjust: programme_payload_fields.MentorshipProgrammePayload = (
        strawberry.field(
            resolver=programme_mutation_fields.mentorship_cohort_adjust,
            description=programme_mutation_fields.ADJUST,
        )
    )
    mentorship_cohort_publish: programme_payload_fields.MentorshipProgrammePayload = (
        strawberry.field(
            resolver=programme_mutation_fields.mentorship_cohort_publish,
            description=programme_mutation_fields.PUBLISH,
        )
    )
    mentorship_group_session_log: programme_payload_fields.MentorshipGroupSessionPayload = (
        strawberry.field(
            resolver=programme_mutation_fields.mentorship_group_session_log,
            description=programme_mutation_fields.GROUP_SESSION,
        )
    )
    investment_ask_create: investment_fields.InvestmentAskPayload = strawberry.field(
        resolver=investment_fields.investment_ask_create, description=investment_fields.ASK_CREATE
    )
    investment_ask_close: investment_fields.InvestmentAskPayload = strawberry.field(
        resolver=investment_fields.investment_ask_close, description=investment_fields.ASK_CLOSE
    )
    investment_commit: investment_fields.InvestmentCommitmentPayload = strawberry.field(
        resolver=investment_fields.investment_commit, description=investment_fields.COMMIT
    )
    investment_commitment_change: investment_fields.InvestmentCommitmentPayload = strawberry.field(
        resolver=investment_fields.investment_commitment_change,
        description=investment_fields.COMMITMENT_CHANGE,
    )
    investment_commitment_withdraw: investment_fields.InvestmentCommitmentPayload = (
        strawberry.field(
            resolver=investment_fields.investment_commitment_withdraw,
            description=investment_fields.COMMITMENT_WITHDRAW,
        )
    )
    advisory_panel_create: panel_fields.AdvisoryPanelPayload = strawberry.field(
        resolver=panel_fields.advisory_panel_create, description=panel_fields.PANEL_CREATE
    )
    advisory_panel_close: panel_fields.AdvisoryPanelPayload = strawberry.field(
        resolver=panel_fields.advisory_panel_close, description=panel_fields.PANEL_CLOSE
    )
    panel_nominate: panel_fields.PanelCandidacyPayload = strawberry.field(
        resolver=panel_fields.panel_nominate, description=panel_fields.PANEL_NOMINATE
    )
    panel_apply: panel_fields.PanelCandidacyPayload = strawberry.field(
        resolver=panel_fields.panel_apply, description=panel_fields.PANEL_APPLY
    )
    panel_nomination_accept: panel_fields.PanelCandidacyPayload = strawberry.field(
        resolver=panel_fields.panel_nomination_accept,
        description=panel_fields.PANEL_NOMINATION_ACCEPT,
    )
    panel_candidacy_withdraw: panel_fields.PanelCandidacyPayload = strawberry.field(
        resolver=panel_fields.panel_candidacy_withdraw,
        description=panel_fields.PANEL_CANDIDACY_WITHDRAW,
    )
    panel_appoint: panel_fields.PanelMembershipPayload = strawberry.field(
        resolver=panel_fields.panel_appoint, description=panel_fields.PANEL_APPOINT
    )
    panel_membership_end: panel_fields.PanelMembershipPayload = strawberry.field(
        resolver=panel_fields.panel_membership_end, description=panel_fields.PANEL_MEMBERSHIP_END
    )
    panel_meeting_log: panel_fields.PanelMeetingPayload = strawberry.field(
        resolver=panel_fields.panel_meeting_log, description=panel_fields.PANEL_MEETING_LOG
    )
    project_team_create: supervision_fields.ProjectTeamPayload = strawberry.field(
        resolver=supervision_fields.project_team_create,
        description=supervision_fields.CREATE,
    )
    project_team_invite: supervision_fields.ProjectTeamPayload = strawberry.field(
        resolver=supervision_fields.project_team_invite,
        description=supervision_fields.INVITE,
    )
    project_team_join: supervision_fields.ProjectTeamPayload = strawberry.field(
        resolver=supervision_fields.project_team_join,
        description=supervision_fields.JOIN,
    )
    project_proposal_submit: supervision_fields.ProposalRevisionPayload = strawberry.field(
        resolver=supervision_fields.proposal_submit,
        description=supervision_fields.SUBMIT,
    )
    project_proposal_approve: supervision_fields.ProposalRevisionPayload = strawberry.field(
        resolver=supervision_fields.proposal_approve,
        description=supervision_fields.APPROVE,
    )
    project_proposal_request_changes: supervision_fields.ProposalRevisionPayload = strawberry.field(
        resolver=supervision_fields.proposal_request_changes,
        description=supervision_fields.REQUEST_CHANGES,
    )
    project_milestone_add: supervision_fields.ProjectMilestonePayload = strawberry.field(
        resolver=supervision_fields.project_milestone_add,
        description=supervision_fields.MILESTONE_ADD,
    )
    project_deliverable_submit: supervision_fields.ProjectMilestonePayload = strawberry.field(
        resolver=supervision_fields.project_deliverable_submit,
        description=supervision_fields.DELIVERABLE_SUBMIT,
    )
    assessment_rubric_create: supervision_fields.AssessmentRubricPayload = strawberry.field(
        resolver=supervision_fields.assessment_rubric_create,
        description=supervision_fields.RUBRIC_CREATE,
    )
    project_assess: supervision_fields.ProjectTeamPayload = strawberry.field(
        resolver=supervision_fields.project_assess,
        description=supervision_fields.ASSESS,
    )
    data_export_request: data_rights_fields.DataExportRequestPayload = strawberry.field(
        resolver=data_rights_fields.data_export_request, description=data_rights_fields.REQUEST
    )
    data_export_delete: data_rights_fields.DataExportDeletePayload = strawberry.field(
        resolver=data_rights_fields.data_export_delete, description=data_rights_fields.DELETE
    )
    account_erase: data_rights_fields.AccountErasePayload = strawberry.field(
        resolver=data_rights_fields.account_erase, description=data_rights_fields.ERASE
    )

    rfp_create: marketplace.RfpPayload = strawberry.field(
        resolver=marketplace.rfp_create,
        description=marketplace.RFP_CREATE,
    )
    rfp_close: marketplace.RfpPayload = strawberry.field(
        resolver=marketplace.rfp_close,
        description=marketplace.RFP_CLOSE,
    )
    proposal_submit: marketplace.ConsultancyProposalPayload = strawberry.field(
        resolver=marketplace.proposal_submit,
        description=marketplace.PROPOSAL_SUBMIT,
    )
    proposal_withdraw: marketplace.ConsultancyProposalPayload = strawberry.field(
        resolver=marketplace.proposal_withdraw,
        description=marketplace.PROPOSAL_WITHDRAW,
    )
    proposal_award: marketplace.ConsultancyProposalPayload = strawberry.field(
        resolver=marketplace.proposal_award,
        description=marketplace.PROPOSAL_AWARD,
    )
    contract_milestone_submit: marketplace.ContractMilestonePayload = strawberry.field(
        resolver=marketplace.contract_milestone_submit,
        description=marketplace.CONTRACT_MILESTONE_SUBMIT,
    )
    contract_milestone_accept: marketplace.ContractMilestonePayload = strawberry.field(
        resolver=marketplace.contract_milestone_accept,
        description=marketplace.CONTRACT_MILESTONE_ACCEPT,
    )
    contract_milestone_rework: marketplace.ContractMilestonePayload = strawberry.field(
        resolver=marketplace.contract_milestone_rework,
        description=marketplace.CONTRACT_MILESTONE_REWORK,
    )
    contract_complete: marketplace.ContractPayload = strawberry.field(
        resolver=marketplace.contract_complete,
        description=marketplace.CONTRACT_COMPLETE,
    )
    contract_review: marketplace.ContractReviewPayload = strawberry.field(
        resolver=marketplace.contract_review,
        description=marketplace.CONTRACT_REVIEW,
    )
    service_listing_create: marketplace.ServiceListingPayload = strawberry.field(
        resolver=marketplace.service_listing_create,
        description=marketplace.SERVICE_LISTING_CREATE,
    )
    service_listing_invite: marketplace.ServiceListingPayload = strawberry.field(
        resolver=marketplace.service_listing_invite,
        description=marketplace.SERVICE_LISTING_INVITE,
    )
    hall_of_fame_nominate: hall_of_fame_fields.HallOfFameNominationPayload = strawberry.field(
        resolver=hall_of_fame_fields.hall_of_fame_nominate,
        description=hall_of_fame_fields.NOMINATE,
    )
    hall_of_fame_vote: hall_of_fame_fields.HallOfFameNominationPayload = strawberry.field(
        resolver=hall_of_fame_fields.hall_of_fame_vote, description=hall_of_fame_fields.VOTE
    )
    hall_of_fame_round_open: hall_of_fame_fields.HallOfFameRoundPayload = strawberry.field(
        resolver=hall_of_fame_fields.hall_of_fame_round_open,
        description=hall_of_fame_fields.ROUND_OPEN,
    )
    hall_of_fame_round_close: hall_of_fame_fields.HallOfFameRoundPayload = strawberry.field(
        resolver=hall_of_fame_fields.hall_of_fame_round_close,
        description=hall_of_fame_fields.ROUND_CLOSE,
    )


@strawberry.type(
    description="The root of every live update, over WebSocket (graphql-transport-ws) only."
)
class Subscription:
    """Root subscription fields: each event is loaded and authorised for the subscriber."""

    event_updated: AsyncIterator[event_subscription_fields.EventUpdate] = (
        strawberry.subscription(
            resolver=event_subscription_fields.event_updated,
            description=event_subscription_fields.EVENT_UPDATED,
        )
    )
    forum_post_added: AsyncIterator[ForumPost] = strawberry.subscription(
        resolver=forum_subscription_fields.forum_post_added,
        description=forum_subscription_fields.POST_ADDED,
    )
    forum_thread_updated: AsyncIterator[notification_subscription_fields.ForumThreadUpdate] = (
        strawberry.subscription(
            resolver=notification_subscription_fields.forum_thread_updated,
            description=notification_subscription_fields.THREAD_UPDATED,
        )
    )
    notification_received: AsyncIterator[notification_subscription_fields.NotificationReceived] = (
        strawberry.subscription(
            resolver=notification_subscription_fields.notification_received,
            description=notification_subscription_fields.NOTIFICATION_RECEIVED,
        )
    )
    dashboard_updated: AsyncIterator[Stats] = strawberry.subscription(
        resolver=stats_fields.dashboard_updated, description=stats_fields.DASHBOARD_UPDATED
    )


class BrainGainSchema(strawberry.federation.Schema):
    """Our schema, an Apollo Federation v2 subgraph (graph/federation.py); logs only unexpected
    errors, with the request id."""

    async def entities_resolver(  # type: ignore[override]
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """`_entities`, resolved like `node(id:)`: same fetch, same authorization."""
        return await federation.resolve_entities(info, representations)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log unexpected errors with their stack; expected ones are the client's business."""
        context: Any = execution_context.context if execution_context else None
        log_unexpected(errors, getattr(context, "request_id", "unknown"))


def build_schema() -> strawberry.Schema:
    """The schema with its extensions, as a federation subgraph."""
    federation.declare_entities()
    built = BrainGainSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            Membership,
            ConsentGrant,
            ForumCategory,
            ForumThread,
            ForumPost,
            ForumReport,
            ChapterAnnouncement,
            Notification,
            MentorshipApplication,
            MentorshipPair,
            DataExport,
        ],
        extensions=[
            LimitedParser,
            ValidationWithPageLimits,
            AdmissionControl,
            ConsentAccessLog,
            OperationTransaction,
            MaskUnexpectedErrors,
        ],
        execution_context_class=EventExecutionContext,
        federation_version=federation.FEDERATION_VERSION,
    )
    federation.describe(built._schema)
    return built


schema = build_schema()

__all__ = ["Connection", "schema"]
