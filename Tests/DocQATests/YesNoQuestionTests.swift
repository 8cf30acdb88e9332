@testable import DocQA
import DocQATestSupport
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
        "(a) Does the lease allow subletting?",
        "Won't the licence end if we miss the deadline?",
        "The tenant left in May. Is the landlord owed the rent?",
        "When we ship a new release, must we include the source code?",
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
        "What, if anything, does the lease say about assignment?",
        "Which party, if any, must pay the costs?",
        "Which obligations survive termination and are binding on successors?",
        "If the tenant stays and does not pay, what happens?",
        "The tenant left in May, and is now abroad. Who pays the rent?",
        "Under which clause does the buyer decide whether to renew?",
        "When did the buyer first complain about the valves?",
        "Where must the notice be sent, and is e-mail enough?",
    ])
    func asksForSomethingElse(_ question: String) {
        #expect(!YesNoQuestion.matches(question))
    }

    /// On the evaluation sets' 301 questions, the yes/no ones are found and nothing else:
    /// the hard and second sets' twelve, every question of the two yes/no sets, none of
    /// the samples' or the first real set's.
    @Test func evaluationSetsYesNoQuestions() throws {
        let expected: [String: Set<String>] = [
            "samples/questions.jsonl": [],
            "Benchmarks/eval/questions.jsonl": [],
            "Benchmarks/eval/questions-hard.jsonl": ["h02", "h03", "h11", "h12", "h18", "h19"],
            "Benchmarks/eval2/questions.jsonl": ["b14", "b17", "b19", "b23", "b43", "b58"],
        ]
        for (file, ids) in expected {
            let questions = try EvaluationQuestion.load(path: Repository.root + "/" + file)
            #expect(Set(questions.filter { YesNoQuestion.matches($0.question) }.map(\.id)) == ids, "\(file)")
        }
        for file in ["Benchmarks/eval/questions-yesno.jsonl", "Benchmarks/eval2/questions-yesno.jsonl"] {
            let questions = try EvaluationQuestion.load(path: Repository.root + "/" + file)
            #expect(questions.count == 17)
            #expect(questions.filter { !YesNoQuestion.matches($0.question) }.map(\.id) == [], "\(file)")
        }
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
        #expect(!YesNoQuestion.restates("No, it is twelve months.", question: "Is the warranty period 24 months?"), "in words too")
        #expect(!YesNoQuestion.restates("No, twenty-one days [1].", question: "Is the cure period 30 days?"))
    }

    /// An answer to a question other than yes or no must name something of its own: a word,
    /// a number (however short) or a quoted term.
    @Test func anAnswerThatNamesNothingIsARestatement() {
        let mail = "To what postal address do I mail a signed Slurm contributor agreement?"
        #expect(Answerer.namesNothing("To mail a signed Slurm contributor agreement, you should mail it to [2].", question: mail))
        let when = "When did the Apache Software Foundation acquire the SpamAssassin trademark?"
        #expect(Answerer.namesNothing("The Apache Software Foundation acquired the trademark.", question: when))
        #expect(!Answerer.namesNothing("The Apache Software Foundation acquired the trademark in 2004.", question: when))
        // A quoted term names something though its words are the question's.
        let term = "What does LGPLv3 call the work produced by combining or linking an Application with the Library?"
        #expect(Answerer.namesNothing("LGPLv3 calls the work produced by combining an Application with the Library.", question: term))
        #expect(!Answerer.namesNothing("LGPLv3 calls it a \"Combined Work\".", question: term))
        // Two letters are a name too.
        #expect(!Answerer.namesNothing("CA [1]", question: "In which state is the venue?"))
    }
}
