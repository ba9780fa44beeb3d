"""What the relay says: to a reporter who is asked something, and to the focal point asking.

A question reaches the reporter framed: which report, who holds it (a role and a
municipality, never a person), the question in the asker's words, and how to answer.
{who} names a recipient (handlers/recipients.py): its Serbian is in the dative, so each
sentence that uses it is built for that ("poverena je {who}", "prosleđen je {who}").
"""

from __future__ import annotations

from handlers.i18n import Msg, msg

# To the reporter: the question, when their next message may answer it, or when they are
# in the middle of another report and must name the reference.
QUESTION_NEXT = msg("Your report {report} is with {who}, who asks you: \u201c{question}\u201d "
                    "Your next message here will be passed on as your answer, without "
                    "saying who you are.")
QUESTION_KEYWORD = msg("Your report {report} is with {who}, who asks you: \u201c{question}\u201d "
                       "To answer, write ANSWER {reference} and then your answer; what you "
                       "are writing now stays where it was.")
FIXED_NEXT = msg("A week ago we were told that the hazard you reported, {report}, has been "
                 "dealt with. Is it really fixed? Answer YES if it is, or NO if it is still "
                 "there.")
FIXED_KEYWORD = msg("A week ago we were told that the hazard you reported, {report}, has been "
                    "dealt with. Is it really fixed? Write YES {reference} if it is, or NO "
                    "{reference} if it is still there.")
FIXED_YES = msg("Yes, it is fixed")
FIXED_NO = msg("No, it is still there")

# To the reporter, after they answer.
ANSWER_PASSED = msg("Thank you. Your answer about {reference} was passed on to {who}, "
                    "without saying who you are. To add something, write ANSWER {reference} "
                    "and your words.")
NO_QUESTION = msg("I found no question about {reference} waiting for your answer. Please "
                  "check the reference.")
WRITTEN_ONLY = msg("I can only pass on a written answer. Please write it as a message.")
NOT_PASSED = msg("All right, nothing was passed on. To answer later, write ANSWER "
                 "{reference} and your answer.")
FIXED_THANKS = msg("Thank you for confirming that {report} is fixed.")
FIXED_REOPENED = msg("Thank you for telling us. {report} has been reopened and is with {who} "
                     "again.")
FIXED_NOTED = msg("Thank you for telling us; it has been noted on {report}.")
FIXED_UNCLEAR = msg("I did not understand whether {reference} is fixed. Please write YES "
                    "{reference} if it is fixed, or NO {reference} if it is still there.")

# To the focal point asking, by chat or on the dashboard.
ASK_PROMPT = msg("Write your question for the reporter of {reference} as your next message. "
                 "It goes to them through Sinjalizo: neither of you sees the other's number. "
                 "To cancel, write ANULO.")
THEY_WRITE: dict[str, Msg] = {
    "sq": msg("The reporter writes in Albanian."),
    "sr": msg("The reporter writes in Serbian."),
    "en": msg("The reporter writes in English."),
}
CANCEL_LABEL = msg("Cancel")
ASK_SENT = msg("Your question was sent to the reporter of {reference}. Their answer will "
               "come here and appear on the report's timeline.")
ASK_SENT_PAGE = msg("Your question was sent to the reporter of {reference}. Their answer will "
                    "appear on the timeline and reach the contact points holding the report.")
ASK_EMPTY = msg("Write the question after the reference, for example: ASK {reference} Where "
                "exactly is it?")
ASK_TOO_LONG_SMS = msg("The reporter writes by SMS: please shorten the question by {count} "
                       "characters.")
ASK_TOO_LONG = msg("The question is too long: please keep it under {count} characters.")
ASK_NOBODY = msg("Report {reference} has no reporter who can be asked.")
ASK_WINDOW = msg("The reporter of {reference} can no longer be asked: their last message "
                 "about it was more than 30 days ago.")
ASK_OPTED_OUT = msg("The reporter of {reference} asked to receive no more messages, so they "
                    "cannot be asked.")
ASK_NOT_FOUND = msg("I found no report {reference} assigned to you. Please check the "
                    "reference.")
ASK_TEXT_ONLY = msg("Please write the question as text.")
ASK_NOT_SENT = msg("No question was sent.")

# To the focal points holding the report, when the answer comes.
FORWARD_HEAD = msg("The reporter of {reference} answered the question \u201c{question}\u201d:")
FORWARD_LINK = msg("Details: {link}")
