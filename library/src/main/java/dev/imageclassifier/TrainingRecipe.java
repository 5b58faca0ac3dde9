package dev.imageclassifier;

import dev.imageclassifier.train.Recipe;

import java.util.List;
import java.util.Objects;

/**
 * How a {@link Trainer} trains the head: the named recipes and variations of them. {@link #DEFAULT} is
 * tuned (the framing chosen per dataset on a hold-out of the training images, the head fitted to the optimum by
 * L-BFGS with its weight decay chosen by cross-validation or on a hold-out); {@link #DEFAULT_SGD} is the default
 * before L-BFGS (five SGD heads averaged); {@link #REFERENCE} is the recipe of the FastAPI + PyTorch service this
 * project replaces.
 *
 * <pre>{@code
 * TrainingRecipe quick = TrainingRecipe.DEFAULT.toBuilder().epochs(10).framings(List.of(Framing.WHOLE)).build();
 * }</pre>
 */
public final class TrainingRecipe {

    /** The tuned recipe: framing chosen, L-BFGS to the optimum of the L2-penalised loss, weight decay chosen. */
    public static final TrainingRecipe DEFAULT = new TrainingRecipe(Recipe.DEFAULT);

    /** The tuned recipe with SGD: framing and weight decay chosen on a hold-out, early stopping, 5 heads averaged. */
    public static final TrainingRecipe DEFAULT_SGD = new TrainingRecipe(Recipe.DEFAULT_SGD);

    /** The reference FastAPI + PyTorch service's recipe: 5 epochs over fresh augmentations, lr 0.001. */
    public static final TrainingRecipe REFERENCE = new TrainingRecipe(Recipe.REFERENCE);

    private final Recipe recipe;

    private TrainingRecipe(Recipe recipe) {
        this.recipe = recipe;
    }

    /**
     * The recipe of this name.
     *
     * @param name {@code default}, {@code default-sgd} or {@code reference}
     * @return the recipe
     * @throws IllegalArgumentException for another name
     */
    public static TrainingRecipe named(String name) {
        return new TrainingRecipe(Recipe.named(name));
    }

    /** @return the recipe's name, as recorded in the classifier file */
    public String name() {
        return recipe.name();
    }

    /** @return true when the head is fitted full-batch by L-BFGS (its history counts iterations, not epochs) */
    public boolean fitsToOptimum() {
        return recipe.solver() == Recipe.Solver.LBFGS;
    }

    /** @return the most passes over the training images */
    public int epochs() {
        return recipe.epochs();
    }

    /** @return the framings to choose from (one: always that one) */
    public List<Framing> framings() {
        return recipe.framings();
    }

    /** @return a builder that starts from this recipe */
    public Builder toBuilder() {
        return new Builder(recipe.toBuilder());
    }

    Recipe recipe() {
        return recipe;
    }

    /** @return the recipe's settings, as recorded in {@code metrics.json} */
    @Override
    public String toString() {
        return recipe.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrainingRecipe that && recipe.equals(that.recipe);
    }

    @Override
    public int hashCode() {
        return Objects.hash(recipe);
    }

    /** Variations of a recipe; what is not set stays as in the recipe it started from. */
    public static final class Builder {
        private final Recipe.Builder recipe;

        private Builder(Recipe.Builder recipe) {
            this.recipe = recipe;
        }

        /**
         * @param value the most passes over the training images
         * @return this builder
         */
        public Builder epochs(int value) {
            recipe.epochs(value);
            return this;
        }

        /**
         * @param value the initial SGD step size
         * @return this builder
         */
        public Builder learningRate(double value) {
            recipe.learningRate(value);
            return this;
        }

        /**
         * @param value random augmented views cached per training image, besides the centre view
         * @return this builder
         */
        public Builder augmentedViews(int value) {
            recipe.augmentedViews(value);
            return this;
        }

        /**
         * @param value heads trained from different seeds and averaged into one
         * @return this builder
         */
        public Builder heads(int value) {
            recipe.heads(value);
            return this;
        }

        /**
         * @param value the framings to choose from on a hold-out of the training images (one: always that one)
         * @return this builder
         */
        public Builder framings(List<Framing> value) {
            recipe.framings(value);
            return this;
        }

        /**
         * A fixed L2 weight decay, chosen from nothing.
         *
         * @param value the weight decay
         * @return this builder
         */
        public Builder weightDecay(double value) {
            recipe.weightDecay(value).weightDecayCandidates(List.of());
            return this;
        }

        /**
         * @param values weight decays to choose from on the hold-out (lowest hold-out loss wins)
         * @return this builder
         */
        public Builder weightDecayCandidates(List<Double> values) {
            recipe.weightDecayCandidates(values);
            return this;
        }

        /**
         * @return the recipe
         * @throws IllegalArgumentException for settings that make no sense
         */
        public TrainingRecipe build() {
            return new TrainingRecipe(recipe.build());
        }
    }
}
