@testable import DocQA
import Foundation
import Testing

/// Yes/no questions and answers that only restate them (`YesNoQuestion`), without a model.
@Suite struct YesNoQuestionTests {
    @Test(arguments: [
        "Does Debian keep its list of known software defects hidden from outsiders?",
        "Under the 1991 version of the GNU GPL, can my company bill customers for a copy?",
        "We converted the library to plain GPL terms. Can that copy be switched back later?",
        "If we fix the credit, do our rights come back on their own?",
        "Isn't the supplier liable for late delivery?",
        "Can a consulting firm use R for paid work? Which clause allows it?",
        "The notice was late, and was it sent to the right address?",
        "Tell me whether the buyer may terminate early.",
    ])
    func asksForYesOrNo(_ question: String) {
        #expect(YesNoQuestion.matches(question))
    }

    @Test(arguments: [
        "What numeric tolerance does R use when it checks whether two numbers are nearly equal?",
        "Which state's law governs disputes under the supply contract?",
        "How long must the project debate before a new organisation is allowed?",
        "When did Debian last revise its social contract?",
        "Who signed the first amendment for the buyer?",
        "List the delivery dates in the second amendment.",
    ])
    func asksForSomethingElse(_ question: String) {
        #expect(!YesNoQuestion.matches(question))
    }

    /// "Yes, <the question restated>" says nothing; an answer with a fact of its own does.
    @Test func restatementsAreTold() {
        let hidden = "Does Debian keep its list of known software defects hidden from outsiders?"
        #expect(YesNoQuestion.restates("Yes, Debian keeps its list of known software defects hidden from outsiders. [2]",
                                       question: hidden))
        #expect(YesNoQuestion.restates("No [4].", question: hidden))
        let brand = "Does the Apache License 2.0 let me use the original project's brand name and logo to advertise my own fork?"
        #expect(YesNoQuestion.restates("Yes, the Apache License 2.0 allows you to use the original project's brand name "
                                       + "and logo to advertise your own fork.", question: brand), "one paraphrased word")
        #expect(!YesNoQuestion.restates("No: the licence does not grant permission to use the trade names [3].", question: brand))
        let limit = "Is there a limit on how much code I can pass to R on the command line with -e?"
        #expect(!YesNoQuestion.restates("Yes, there is a limit on how much code you can pass to R on the command line "
                                        + "with -e. This limit is 10,000 bytes.", question: limit))
        #expect(!YesNoQuestion.restates("No, it is 12 months.", question: "Is the warranty period 24 months?"), "a number is a fact")
    }
}
